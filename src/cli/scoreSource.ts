import { readFile } from 'node:fs/promises';
import { CheckpointError } from '../io/checkpointError';
import { readScoreFile } from '../io/scoreFile';
import { onesScores, type ScoreSet } from '../prune/scoreSet';
import type { VitConfig } from '../model/vitConfig';
import { UsageError } from './cliContext';

/** Reads `--scores` for `cfg`; the magnitude criterion may go without (scores all ones, used for folding only). */
export async function scoreSource(path: string | undefined, cfg: VitConfig, criterion: 'vtp' | 'magnitude'): Promise<ScoreSet> {
  if (!path) {
    if (criterion === 'magnitude') return onesScores(cfg);
    throw new UsageError('--scores <scores.safetensors> is required (train them with `vtp scores`), or use --criterion magnitude');
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new CheckpointError('io', `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
  return readScoreFile(bytes, cfg, path);
}
