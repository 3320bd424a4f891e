import { blockDimsAt, hasAttention, hasMlp, withoutAttention, type BlockDims, type VitConfig } from '../model/vitConfig';
import { dropEmptyBlocks, foldRemovedSublayers } from './sublayerRemoval';
import type { HostTensors } from '../model/hostTensor';
import { keptIndices, selectCols, selectRows } from './matrixSelect';
import { foldSublayerGates } from './sublayerGateFold';
import type { SublayerGateValues } from './scoreSet';

/** Which dims of one block survive, per gate, relative to the block's current dims. */
export interface BlockKeep {
  qkv: boolean[];    // [k]
  attn: boolean[];   // [V], heads concatenated
  fc1: boolean[];    // [m]
  hidden: boolean[]; // [u]
}

/**
 * Kept scores folded into the consuming weight columns, per gate, relative to current dims, and the learned sublayer
 * gates folded into their output layers (proj, fc2); null = binary mask (every value ignored).
 */
export interface BlockFold { qkv: Float32Array; attn: Float32Array; fc1: Float32Array; hidden: Float32Array; sublayer?: SublayerGateValues }

/** Composes kept positions with a previous index map (null = identity); null again when nothing was dropped. */
function composeIndex(previous: number[] | null, kept: number[], width: number, full: number): number[] | null {
  const composed = kept.map((j) => (previous ? previous[j] : j));
  return composed.length === full && width === full ? null : composed;
}

/** Kept value positions grouped by current head; heads left empty are dropped. */
function keptHeads(dims: BlockDims, keep: boolean[]) {
  const heads: { head: number; slot: number; values: number[] }[] = [];
  let offset = 0;
  dims.valueWidths.forEach((w, slot) => {
    const values = [];
    for (let j = offset; j < offset + w; j++) if (keep[j]) values.push(j);
    if (values.length > 0) heads.push({ head: dims.heads[slot], slot, values });
    offset += w;
  });
  return heads;
}

/** Slims one block's tensors in place in `out`; returns its new dims (a removed sublayer's tensors are left for foldRemovedSublayers). */
function slimBlock(cfg: VitConfig, host: HostTensors, out: HostTensors, i: number, keep: BlockKeep, fold: BlockFold | null): BlockDims {
  const dims = blockDimsAt(cfg, i);
  const attn = hasAttention(dims) && keep.attn.some(Boolean);
  const mlp = hasMlp(dims) && keep.hidden.some(Boolean);
  return {
    ...(attn ? slimAttention(cfg, host, out, i, keep, fold) : withoutAttention(dims)),
    ...(mlp ? slimMlp(cfg, host, out, i, keep, fold) : { fc1In: [], hidden: 0 }),
  };
}

/** The attention part of a slim block: q/k/v rows of kept heads, kept inputs, proj columns of kept value dims. */
function slimAttention(cfg: VitConfig, host: HostTensors, out: HostTensors, i: number, keep: BlockKeep, fold: BlockFold | null): Pick<BlockDims, 'qkvIn' | 'heads' | 'valueWidths'> {
  const dims = blockDimsAt(cfg, i);
  const p = `blocks.${i}.`;
  const get = (key: string) => host.get(p + key)!;
  const kq = keptIndices(keep.qkv);
  const heads = keptHeads(dims, keep.attn);
  const hd = cfg.headDim;
  const qkRows = heads.flatMap((h) => Array.from({ length: hd }, (_, j) => h.slot * hd + j));
  const vRows = heads.flatMap((h) => h.values);
  for (const name of ['q', 'k', 'v'] as const) {
    const rows = name === 'v' ? vRows : qkRows;
    out.set(p + `attn.${name}.weight`, selectCols(selectRows(get(`attn.${name}.weight`), rows), kq, fold?.qkv));
    if (cfg.qkvBias) out.set(p + `attn.${name}.bias`, selectRows(get(`attn.${name}.bias`), rows));
  }
  out.set(p + 'attn.proj.weight', selectCols(get('attn.proj.weight'), vRows, fold?.attn));
  return {
    qkvIn: composeIndex(dims.qkvIn, kq, keep.qkv.length, cfg.embedDim),
    heads: heads.map((h) => h.head),
    valueWidths: heads.map((h) => h.values.length),
  };
}

/** The MLP part of a slim block: kept hidden rows of fc1 (kept inputs), kept hidden columns of fc2. */
function slimMlp(cfg: VitConfig, host: HostTensors, out: HostTensors, i: number, keep: BlockKeep, fold: BlockFold | null): Pick<BlockDims, 'fc1In' | 'hidden'> {
  const dims = blockDimsAt(cfg, i);
  const p = `blocks.${i}.`;
  const get = (key: string) => host.get(p + key)!;
  const hidden = keptIndices(keep.hidden);
  const kf = keptIndices(keep.fc1);
  out.set(p + 'mlp.fc1.weight', selectCols(selectRows(get('mlp.fc1.weight'), hidden), kf, fold?.fc1));
  out.set(p + 'mlp.fc1.bias', selectRows(get('mlp.fc1.bias'), hidden));
  out.set(p + 'mlp.fc2.weight', selectCols(get('mlp.fc2.weight'), hidden, fold?.hidden));
  return { fc1In: composeIndex(dims.fc1In, kf, keep.fc1.length, cfg.embedDim), hidden: hidden.length };
}

/** The input gate of a sublayer that stays must keep a dim (a sublayer whose output gate keeps none is removed whole). */
function assertInputsKept(cfg: VitConfig, k: BlockKeep, i: number): void {
  const dims = blockDimsAt(cfg, i);
  if (hasAttention(dims) && k.attn.some(Boolean) && !k.qkv.some(Boolean)) throw new Error(`block ${i}: gate qkv would keep no dimension`);
  if (hasMlp(dims) && k.hidden.some(Boolean) && !k.fc1.some(Boolean)) throw new Error(`block ${i}: gate fc1 would keep no dimension`);
}

/**
 * Physically removes the dims not kept, folding kept scores (and learned sublayer gates) when given. A sublayer whose output gate (attn, hidden)
 * keeps no dim is removed whole, its output bias folded (foldRemovedSublayers); a block left empty is dropped.
 */
export function slimWeights(cfg: VitConfig, original: HostTensors, keep: BlockKeep[], fold: BlockFold[] | null = null): { config: VitConfig; tensors: HostTensors } {
  const host = fold ? foldSublayerGates(original, fold.map((f) => f.sublayer)) : original;
  const tensors: HostTensors = new Map(host);
  const blocks = keep.map((k, i) => {
    assertInputsKept(cfg, k, i);
    return slimBlock(cfg, host, tensors, i, k, fold ? fold[i] : null);
  });
  const removed = { attn: keep.map((k) => !k.attn.some(Boolean)), mlp: keep.map((k) => !k.hidden.some(Boolean)) };
  foldRemovedSublayers(cfg, host, tensors, removed);
  return dropEmptyBlocks(cfg, blocks, tensors);
}
