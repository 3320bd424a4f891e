/** The block dims a keep mask leaves (what pruneModel/slimWeights produce), without touching weights. */
import { blockDimsAt, fullBlockDims, hasAttention, hasMlp, withoutAttention, withoutMlp, type BlockDims, type VitConfig } from '../model/vitConfig';
import type { BlockKeep } from './slimWeights';

/** Indices where `keep` is true, mapped through a previous index map (null = identity). */
function keptIndexMap(previous: number[] | null, keep: boolean[], full: number): number[] | null {
  const kept: number[] = [];
  keep.forEach((on, j) => { if (on) kept.push(previous ? previous[j] : j); });
  return kept.length === full && keep.length === full ? null : kept;
}

/** New dims of one block after removing the dims `keep` marks false (heads left empty are dropped, sublayers left empty removed). */
function keptDims(cfg: VitConfig, dims: BlockDims, keep: BlockKeep): BlockDims {
  const heads: number[] = [];
  const valueWidths: number[] = [];
  let offset = 0;
  dims.valueWidths.forEach((w, slot) => {
    let kept = 0;
    for (let j = offset; j < offset + w; j++) if (keep.attn[j]) kept++;
    if (kept > 0) { heads.push(dims.heads[slot]); valueWidths.push(kept); }
    offset += w;
  });
  const kept: BlockDims = {
    qkvIn: keptIndexMap(dims.qkvIn, keep.qkv, cfg.embedDim),
    heads,
    valueWidths,
    fc1In: keptIndexMap(dims.fc1In, keep.fc1, cfg.embedDim),
    hidden: keep.hidden.filter(Boolean).length,
  };
  // A sublayer whose output gate keeps nothing is removed whole (its input gate goes with it).
  const attnKept = hasAttention(kept) ? kept : withoutAttention(kept);
  return hasMlp(attnKept) ? attnKept : withoutMlp(attnKept);
}

/** True when dims are the full block's (every head at full width, all inputs, full hidden). */
function isFull(cfg: VitConfig, b: BlockDims): boolean {
  const full = fullBlockDims(cfg);
  return b.qkvIn === null && b.fc1In === null && b.hidden === full.hidden && b.heads.length === full.heads.length &&
    b.heads.every((h, i) => h === full.heads[i] && b.valueWidths[i] === full.valueWidths[i]);
}

/** Block dims of the model that `keep` leaves; null when every block stays at full width (as pruneModel). */
export function keptBlockDims(cfg: VitConfig, keep: BlockKeep[]): BlockDims[] | null {
  const blocks = keep.map((k, i) => keptDims(cfg, blockDimsAt(cfg, i), k));
  return blocks.every((b) => isFull(cfg, b)) ? null : blocks;
}
