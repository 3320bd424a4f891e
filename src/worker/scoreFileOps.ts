/** Score files in the studio: import scores trained elsewhere (PyTorch `train-scores`, `vtp scores`) and download the session's. */
import { readScoreFile, scoreFileBytes } from '../io/scoreFile';
import type { ExportedFile, ScoreSnapshot, WorkerFile } from './engineApi';
import { toSnapshot } from './scoreSnapshot';
import type { EngineSession } from './session';

/** Largest score file read (bytes); DeiT-Base's gates are about 0.2 MB, so anything near this is not a score file. */
export const SCORE_FILE_MAX_BYTES = 256 * 2 ** 20;

/**
 * Checks a score file against the session's model (every gate blocks.N.gate.{qkv,attn,fc1,hidden} present, no other
 * tensor, lengths equal to the model's dims, finite values) and only then makes it the session's scores.
 */
export function importScoreFile(session: EngineSession, file: WorkerFile): ScoreSnapshot {
  const model = session.requireModel();
  if (file.bytes.byteLength > SCORE_FILE_MAX_BYTES) {
    throw new Error(`${file.name} is ${(file.bytes.byteLength / 2 ** 20).toFixed(0)} MB: too large for a score file (a model's weights?)`);
  }
  session.scores = readScoreFile(new Uint8Array(file.bytes), model.config, file.name);
  return toSnapshot(session.scores);
}

/** The session's scores as a score file `<model>-scores.safetensors` (the format `vtp scores` and `train-scores` write). */
export function exportScoreFile(session: EngineSession): ExportedFile {
  const model = session.requireModel();
  if (!session.scores) throw new Error('there are no scores yet: train them (step 3) or import a score file');
  const bytes = scoreFileBytes(session.scores, { model: model.config.architecture });
  const base = model.name.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'vit';
  return { fileName: `${base}-scores.safetensors`, bytes: bytes.slice().buffer as ArrayBuffer, mime: 'application/octet-stream' };
}
