import { CheckpointError } from './checkpointError';
import { readSafetensors, writeSafetensors } from './safetensors';
import type { HostTensors } from '../model/hostTensor';
import { GATE_NAMES, gateLengths } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';
import { gateKey, type BlockScores, type ScoreSet } from '../prune/scoreSet';

/** Serialises VTP scores as safetensors: `blocks.<i>.gate.<qkv|attn|fc1|hidden>` F32 vectors. */
export function scoreFileBytes(scores: ScoreSet, metadata: Record<string, string> = {}): Uint8Array {
  const tensors: HostTensors = new Map();
  scores.blocks.forEach((b, i) => {
    for (const g of GATE_NAMES) tensors.set(gateKey(i, g), { shape: [b[g].length], data: b[g] });
  });
  return writeSafetensors(tensors, { kind: 'vtp-scores', ...metadata });
}

/** Reads and validates a score file against the model it belongs to (every gate present, sizes match, finite). */
export function readScoreFile(bytes: Uint8Array, cfg: VitConfig, file = 'scores.safetensors'): ScoreSet {
  const { tensors } = readSafetensors(bytes, file);
  if (tensors.size === 0) throw new CheckpointError('missing-key', `${file} holds no scores`, { file });
  const blocks: BlockScores[] = [];
  const used = new Set<string>();
  for (let i = 0; i < cfg.depth; i++) {
    const len = gateLengths(cfg, i);
    const block = {} as BlockScores;
    for (const g of GATE_NAMES) {
      const key = gateKey(i, g);
      const t = tensors.get(key);
      if (!t) throw new CheckpointError('missing-key', `${file} has no ${key}: it does not belong to this ${cfg.depth}-block model`, { file, key });
      if (t.shape.length !== 1 || t.shape[0] !== len[g]) {
        throw new CheckpointError('shape', `${file}: ${key} has shape [${t.shape}], the model has ${len[g]} dims there (scores of another model?)`, { file, key });
      }
      const bad = t.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new CheckpointError('values', `${file}: ${key}[${bad}] is ${t.data[bad]}; every score must be a finite number`, { file, key });
      block[g] = t.data;
      used.add(key);
    }
    blocks.push(block);
  }
  const extra = [...tensors.keys()].find((k) => !used.has(k));
  if (extra) throw new CheckpointError('unexpected-key', `${file} has ${extra}, which this model does not have (scores of another model?)`, { file, key: extra });
  return { blocks };
}
