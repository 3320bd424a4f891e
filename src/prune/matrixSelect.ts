import type { HostTensor } from '../model/hostTensor';

/** Rows `rows` of a [R, C] (or [R]) host tensor, in the given order -> [rows.length, C]. */
export function selectRows(t: HostTensor, rows: readonly number[]): HostTensor {
  const cols = t.shape.length > 1 ? t.shape[1] : 1;
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => out.set(t.data.subarray(r * cols, (r + 1) * cols), i * cols));
  return { shape: t.shape.length > 1 ? [rows.length, cols] : [rows.length], data: out };
}

/** Columns `cols` of a [R, C] host tensor, each scaled by `scale[j]` of its source column when given -> [R, cols.length]. */
export function selectCols(t: HostTensor, cols: readonly number[], scale?: ArrayLike<number>): HostTensor {
  const [rows, width] = t.shape;
  const out = new Float32Array(rows * cols.length);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    cols.forEach((c, j) => {
      out[r * cols.length + j] = scale ? t.data[base + c] * scale[c] : t.data[base + c];
    });
  }
  return { shape: [rows, cols.length], data: out };
}

/** Indices where `keep` is true, ascending. */
export function keptIndices(keep: ArrayLike<boolean>): number[] {
  const out: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) out.push(i);
  return out;
}
