/**
 * Layout of a slim block's value dims: kept heads of uneven value widths are padded to the
 * block's widest kept head so attention runs as one batched kernel ([B, h', N, vmax]).
 */
export interface ValueLayout {
  /** Kept heads h'. */
  heads: number;
  /** Widest kept value width; every head is padded to it. */
  vmax: number;
  /** Total unpadded value width V = sum of widths. */
  total: number;
  /** Value width of each kept head (each <= vmax). */
  widths: readonly number[];
  /** For each padded slot (length h' * vmax), its unpadded value index, or -1 for padding. */
  slotToValue: Int32Array;
  /** True when no head is padded (every width equals vmax). */
  dense: boolean;
}

/** The padded layout of per-head value widths (each >= 1). */
export function valueLayout(valueWidths: readonly number[]): ValueLayout {
  const vmax = Math.max(...valueWidths);
  const slotToValue = new Int32Array(valueWidths.length * vmax).fill(-1);
  let offset = 0;
  valueWidths.forEach((w, h) => {
    for (let j = 0; j < w; j++) slotToValue[h * vmax + j] = offset + j;
    offset += w;
  });
  return { heads: valueWidths.length, vmax, total: offset, widths: [...valueWidths], slotToValue, dense: valueWidths.every((w) => w === vmax) };
}

/** Rows of a row-major [V, cols] matrix placed at padded slots: [h' * vmax, cols], zeros in padding. */
export function padValueRows(rows: Float32Array, cols: number, layout: ValueLayout): Float32Array {
  const out = new Float32Array(layout.slotToValue.length * cols);
  layout.slotToValue.forEach((v, slot) => {
    if (v >= 0) out.set(rows.subarray(v * cols, (v + 1) * cols), slot * cols);
  });
  return out;
}

/** Columns of a row-major [rows, V] matrix placed at padded slots: [rows, h' * vmax]. */
export function padValueCols(data: Float32Array, rows: number, layout: ValueLayout): Float32Array {
  const slots = layout.slotToValue.length;
  const out = new Float32Array(rows * slots);
  for (let r = 0; r < rows; r++) {
    layout.slotToValue.forEach((v, slot) => {
      if (v >= 0) out[r * slots + slot] = data[r * layout.total + v];
    });
  }
  return out;
}

/** Inverse of padValueRows: the [V, cols] rows of a padded [h' * vmax, cols] matrix. */
export function unpadValueRows(padded: Float32Array, cols: number, layout: ValueLayout): Float32Array {
  const out = new Float32Array(layout.total * cols);
  layout.slotToValue.forEach((v, slot) => {
    if (v >= 0) out.set(padded.subarray(slot * cols, (slot + 1) * cols), v * cols);
  });
  return out;
}

/** Inverse of padValueCols: the [rows, V] columns of a padded [rows, h' * vmax] matrix. */
export function unpadValueCols(padded: Float32Array, rows: number, layout: ValueLayout): Float32Array {
  const slots = layout.slotToValue.length;
  const out = new Float32Array(rows * layout.total);
  for (let r = 0; r < rows; r++) {
    layout.slotToValue.forEach((v, slot) => {
      if (v >= 0) out[r * layout.total + v] = padded[r * slots + slot];
    });
  }
  return out;
}
