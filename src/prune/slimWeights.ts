import { blockDimsAt, type BlockDims, type VitConfig } from '../model/vitConfig';
import type { HostTensors } from '../model/hostTensor';
import { keptIndices, selectCols, selectRows } from './matrixSelect';

/** Which dims of one block survive, per gate, relative to the block's current dims. */
export interface BlockKeep {
  qkv: boolean[];    // [k]
  attn: boolean[];   // [V], heads concatenated
  fc1: boolean[];    // [m]
  hidden: boolean[]; // [u]
}

/** Kept scores folded into the consuming weight columns, per gate, relative to current dims; null = binary mask. */
export interface BlockFold { qkv: Float32Array; attn: Float32Array; fc1: Float32Array; hidden: Float32Array }

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

/** Slims one block's tensors in place in `out`; returns its new dims. */
function slimBlock(cfg: VitConfig, host: HostTensors, out: HostTensors, i: number, keep: BlockKeep, fold: BlockFold | null): BlockDims {
  const dims = blockDimsAt(cfg, i);
  const p = `blocks.${i}.`;
  const get = (key: string) => host.get(p + key)!;
  const kq = keptIndices(keep.qkv);
  const heads = keptHeads(dims, keep.attn);
  const hd = cfg.headDim;
  const qkRows = heads.flatMap((h) => Array.from({ length: hd }, (_, j) => h.slot * hd + j));
  const vRows = heads.flatMap((h) => h.values);
  const hidden = keptIndices(keep.hidden);
  const kf = keptIndices(keep.fc1);
  for (const name of ['q', 'k', 'v'] as const) {
    const rows = name === 'v' ? vRows : qkRows;
    out.set(p + `attn.${name}.weight`, selectCols(selectRows(get(`attn.${name}.weight`), rows), kq, fold?.qkv));
    if (cfg.qkvBias) out.set(p + `attn.${name}.bias`, selectRows(get(`attn.${name}.bias`), rows));
  }
  out.set(p + 'attn.proj.weight', selectCols(get('attn.proj.weight'), vRows, fold?.attn));
  out.set(p + 'mlp.fc1.weight', selectCols(selectRows(get('mlp.fc1.weight'), hidden), kf, fold?.fc1));
  out.set(p + 'mlp.fc1.bias', selectRows(get('mlp.fc1.bias'), hidden));
  out.set(p + 'mlp.fc2.weight', selectCols(get('mlp.fc2.weight'), hidden, fold?.hidden));
  const D = cfg.embedDim;
  return {
    qkvIn: composeIndex(dims.qkvIn, kq, keep.qkv.length, D),
    heads: heads.map((h) => h.head),
    valueWidths: heads.map((h) => h.values.length),
    fc1In: composeIndex(dims.fc1In, kf, keep.fc1.length, D),
    hidden: hidden.length,
  };
}

/** Physically removes the dims not kept (every gate must keep >= 1 dim), folding kept scores when given. */
export function slimWeights(cfg: VitConfig, host: HostTensors, keep: BlockKeep[], fold: BlockFold[] | null = null): { config: VitConfig; tensors: HostTensors } {
  const tensors: HostTensors = new Map(host);
  const blocks = keep.map((k, i) => {
    for (const gate of ['qkv', 'attn', 'fc1', 'hidden'] as const) {
      if (!k[gate].some(Boolean)) throw new Error(`block ${i}: gate ${gate} would keep no dimension`);
    }
    return slimBlock(cfg, host, tensors, i, k, fold ? fold[i] : null);
  });
  return { config: { ...cfg, blocks }, tensors };
}
