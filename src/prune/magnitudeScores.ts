import type { HostTensor, HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import type { ScoreSet } from './scoreSet';

/** Accumulates the squared entries of every column of a [rows, cols] matrix into `sums` [cols]. */
function addColumnSquares(t: HostTensor, sums: Float32Array): void {
  const [rows, cols] = t.shape;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sums[c] += t.data[r * cols + c] ** 2;
}

/** L2 norm of the columns that consume each gated dim, over one or more [rows, cols] matrices -> [cols]. */
function columnNorms(...mats: (HostTensor | undefined)[]): Float32Array {
  if (mats.some((m) => m === undefined)) return new Float32Array(0); // a removed sublayer: its gates are empty
  const sums = new Float32Array(mats[0]!.shape[1]);
  for (const m of mats) addColumnSquares(m!, sums);
  return sums.map(Math.sqrt);
}

/**
 * The weight-magnitude baseline criterion: each gated dim scored by the L2 norm of the weight columns
 * that consume it (qkv: columns of Wq|Wk|Wv; attn: columns of Wproj; fc1: columns of FC1; hidden: columns of FC2);
 * the gates of a removed sublayer are empty.
 */
export function magnitudeScores(cfg: VitConfig, host: HostTensors): ScoreSet {
  const get = (i: number, key: string) => host.get(`blocks.${i}.${key}`);
  return {
    blocks: Array.from({ length: cfg.depth }, (_, i) => ({
      qkv: columnNorms(get(i, 'attn.q.weight'), get(i, 'attn.k.weight'), get(i, 'attn.v.weight')),
      attn: columnNorms(get(i, 'attn.proj.weight')),
      fc1: columnNorms(get(i, 'mlp.fc1.weight')),
      hidden: columnNorms(get(i, 'mlp.fc2.weight')),
    })),
  };
}
