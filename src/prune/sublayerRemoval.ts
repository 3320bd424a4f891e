/**
 * Removing whole sublayers from a slim model's host tensors. A removed attention or MLP leaves only its output
 * bias, a constant [D] added to every token; it is folded, exactly, into the output bias of the previous sublayer
 * still present (or into every row of pos_embed when none precedes): nothing reads the residual in between.
 * A block left with neither sublayer is dropped and the blocks after it are renumbered.
 */
import type { HostTensor, HostTensors } from '../model/hostTensor';
import { presentSublayers, type SublayerPart } from '../model/gateLayout';
import { blockDimsAt, hasAttention, hasMlp, type BlockDims, type VitConfig } from '../model/vitConfig';

/** Which sublayers of every block are removed by a prune (index = current block). */
export interface RemovedSublayers { attn: boolean[]; mlp: boolean[] }

/** Output layer of a sublayer of block `i`: `blocks.<i>.attn.proj` or `blocks.<i>.mlp.fc2`. */
export function sublayerOutputLayer(i: number, part: SublayerPart): string {
  return part === 'attn' ? `blocks.${i}.attn.proj` : `blocks.${i}.mlp.fc2`;
}

/** Output bias key of a sublayer of block `i`. */
function biasKey(i: number, part: SublayerPart): string {
  return `${sublayerOutputLayer(i, part)}.bias`;
}

/** Tensor keys of one sublayer of block `i` (all of them, present or not). */
function sublayerKeys(i: number, part: SublayerPart): string[] {
  const p = `blocks.${i}.`;
  if (part === 'mlp') return ['norm2', 'mlp.fc1', 'mlp.fc2'].flatMap((n) => [`${p}${n}.weight`, `${p}${n}.bias`]);
  return ['norm1', 'attn.q', 'attn.k', 'attn.v', 'attn.proj'].flatMap((n) => [`${p}${n}.weight`, `${p}${n}.bias`]);
}

/** `target` + `bias` broadcast over its rows (the last axis is D): a new host tensor. */
function plusRows(target: HostTensor, bias: Float32Array): HostTensor {
  const D = bias.length;
  const data = Float32Array.from(target.data, (v, j) => v + bias[j % D]);
  return { shape: target.shape, data };
}

/**
 * Deletes the tensors of removed sublayers from `out` and folds each one's output bias (read from `host`) into the
 * previous present sublayer's output bias in `out`, or into pos_embed [1, T, D] (every token) when none precedes.
 */
export function foldRemovedSublayers(cfg: VitConfig, host: HostTensors, out: HostTensors, removed: RemovedSublayers): void {
  let target = 'pos_embed';
  for (let i = 0; i < cfg.depth; i++) {
    for (const part of presentSublayers(cfg, i)) { // one removed before had its bias folded then
      if (!removed[part][i]) { target = biasKey(i, part); continue; }
      const bias = host.get(biasKey(i, part))!.data; // [D]
      out.set(target, plusRows(out.get(target)!, bias));
      for (const key of sublayerKeys(i, part)) out.delete(key);
    }
  }
}

/** Original (unpruned) index of every current block of `cfg`. */
export function originalBlockIndices(cfg: VitConfig): number[] {
  const dropped = new Set(cfg.droppedBlocks ?? []);
  const out: number[] = [];
  for (let j = 0; out.length < cfg.depth; j++) if (!dropped.has(j)) out.push(j);
  return out;
}

/** True when block dims keep neither sublayer. */
export function isEmptyBlock(dims: BlockDims): boolean {
  return !hasAttention(dims) && !hasMlp(dims);
}

/** Drops the blocks whose dims keep neither sublayer: depth, block dims, droppedBlocks and tensor names renumbered. */
export function dropEmptyBlocks(cfg: VitConfig, blocks: BlockDims[], tensors: HostTensors): { config: VitConfig; tensors: HostTensors } {
  const keptIdx = blocks.map((d, i) => (isEmptyBlock(d) ? -1 : i)).filter((i) => i >= 0);
  if (keptIdx.length === blocks.length) return { config: { ...cfg, blocks }, tensors };
  const original = originalBlockIndices(cfg);
  const newIndex = new Map(keptIdx.map((i, j) => [i, j]));
  const renamed: HostTensors = new Map();
  for (const [key, t] of tensors) {
    const m = /^blocks\.(\d+)\.(.*)$/.exec(key);
    if (!m) { renamed.set(key, t); continue; }
    const j = newIndex.get(Number(m[1]));
    if (j !== undefined) renamed.set(`blocks.${j}.${m[2]}`, t);
  }
  const dropped = [...(cfg.droppedBlocks ?? []), ...blocks.map((d, i) => (isEmptyBlock(d) ? original[i] : -1)).filter((i) => i >= 0)].sort((a, b) => a - b);
  const config: VitConfig = { ...cfg, depth: keptIdx.length, blocks: keptIdx.map((i) => blocks[i]), droppedBlocks: dropped };
  return { config, tensors: renamed };
}

/** One removed sublayer, named by its block's original (unpruned) index. */
export interface RemovedSublayer { block: number; part: 'attn' | 'mlp' }

/** Sublayers the slim config `after` no longer has compared with `before` (dropped blocks count both), by original block index. */
export function removedSublayers(before: VitConfig, after: VitConfig): RemovedSublayer[] {
  const has = (cfg: VitConfig) => {
    const map = new Map<string, boolean>();
    originalBlockIndices(cfg).forEach((o, i) => {
      const d = blockDimsAt(cfg, i);
      map.set(`${o}:attn`, hasAttention(d));
      map.set(`${o}:mlp`, hasMlp(d));
    });
    return map;
  };
  const a = has(before);
  const b = has(after);
  const out: RemovedSublayer[] = [];
  for (const [key, present] of a) {
    if (present && !b.get(key)) { const [block, part] = key.split(':'); out.push({ block: Number(block), part: part as 'attn' | 'mlp' }); }
  }
  return out;
}

/** "attention of block 1, MLP of block 3" (or "none"). */
export function removedSublayersText(removed: RemovedSublayer[]): string {
  return removed.length === 0 ? 'none' : removed.map((r) => `${r.part === 'attn' ? 'attention' : 'MLP'} of block ${r.block}`).join(', ');
}
