import { CheckpointError } from './checkpointError';
import { readSafetensors, writeSafetensors } from './safetensors';
import type { HostTensor, HostTensors } from '../model/hostTensor';
import { GATE_NAMES, gateLengths, presentSublayers, SUBLAYER_PARTS } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';
import { gateKey, sublayerGateKey, type BlockScores, type ScoreSet } from '../prune/scoreSet';

/**
 * Serialises VTP scores as safetensors: `blocks.<i>.gate.<qkv|attn|fc1|hidden>` F32 vectors, and a learned sublayer
 * gate as `blocks.<i>.gate.sublayer_<attn|mlp>` F32 [1] when the scores have one.
 */
export function scoreFileBytes(scores: ScoreSet, metadata: Record<string, string> = {}): Uint8Array {
  const tensors: HostTensors = new Map();
  scores.blocks.forEach((b, i) => {
    for (const g of GATE_NAMES) tensors.set(gateKey(i, g), { shape: [b[g].length], data: b[g] });
    for (const part of SUBLAYER_PARTS) {
      const v = b.sublayer?.[part];
      if (v !== undefined) tensors.set(sublayerGateKey(i, part), { shape: [1], data: Float32Array.of(v) });
    }
  });
  return writeSafetensors(tensors, { kind: 'vtp-scores', ...metadata });
}

/** Checks one score tensor: shape [n] and finite values (a clear CheckpointError otherwise). */
function checkedVector(t: HostTensor, n: number, file: string, key: string, what: string): Float32Array {
  if (t.shape.length !== 1 || t.shape[0] !== n) {
    throw new CheckpointError('shape', `${file}: ${key} has shape [${t.shape}], the model has ${what} (scores of another model?)`, { file, key });
  }
  const bad = t.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new CheckpointError('values', `${file}: ${key}[${bad}] is ${t.data[bad]}; every score must be a finite number`, { file, key });
  return t.data;
}

/** Reads the learned sublayer gates of a file into `blocks` (all of the model's present sublayers, or none: older files have none). */
function readSublayerGates(tensors: Map<string, HostTensor>, cfg: VitConfig, blocks: BlockScores[], used: Set<string>, file: string): void {
  const keys = blocks.flatMap((_, i) => presentSublayers(cfg, i).map((part) => ({ i, part, key: sublayerGateKey(i, part) })));
  const missing = keys.find((k) => !tensors.has(k.key));
  if (!keys.some((k) => tensors.has(k.key))) return;
  if (missing) throw new CheckpointError('missing-key', `${file} has learned sublayer gates but no ${missing.key}`, { file, key: missing.key });
  for (const { i, part, key } of keys) {
    (blocks[i].sublayer ??= {})[part] = checkedVector(tensors.get(key)!, 1, file, key, 'one sublayer gate there')[0];
    used.add(key);
  }
}

/**
 * Reads and validates a score file against the model it belongs to (every gate present, sizes match, finite); learned
 * sublayer gates are read when the file has them (a removed sublayer has none: its key is an unexpected one).
 */
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
      block[g] = checkedVector(t, len[g], file, key, `${len[g]} dims there`);
      used.add(key);
    }
    blocks.push(block);
  }
  readSublayerGates(tensors, cfg, blocks, used, file);
  const extra = [...tensors.keys()].find((k) => !used.has(k));
  if (extra) throw new CheckpointError('unexpected-key', `${file} has ${extra}, which this model does not have (scores of another model?)`, { file, key: extra });
  return { blocks };
}
