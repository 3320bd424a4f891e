/**
 * One whole pre-norm transformer block for inference, in a single call: the SIMD matmul, fused and
 * attention modules share one WebAssembly memory, so the block's dozen steps run there without a tfjs
 * kernel (and its ~10 µs dispatch) per step. Used by vitBlock when no gate or trainable weight needs a
 * gradient; the maths is the same as the tfjs-op path (tests compare the two).
 */
import { ATTENTION_OPS_WASM_BASE64 } from './attentionOpsWasm';
import { BATCH_MATMUL_FMA_WASM_BASE64, BATCH_MATMUL_WASM_BASE64 } from './batchMatMulWasm';
import { FUSED_OPS_WASM_BASE64 } from './fusedOpsWasm';
import { unpadValueCols, unpadValueRows, valueLayout } from '../valueLayout';
import { ResidentWeights, type ResidentEntry } from './residentWeights';
import { assertColumnIndex } from './wasmColumnGather';
import { ensureMemory, instantiateKernels, regionBytes } from './wasmArena';

/** Sizes of one block call; the residual width D is a multiple of 4. */
export interface BlockKernelDims {
  /** Images B and tokens T per image: the residual stream is [B*T, D]. */
  B: number;
  T: number;
  D: number;
  /** Kept heads h', q/k head width hd, padded value width vmax per head (the layout of wV, bV and wProj). */
  heads: number;
  hd: number;
  vmax: number;
  /** Value width of each kept head (each <= vmax): the kernel computes values unpadded. */
  valueWidths: number[];
  /** MLP hidden width u. */
  hidden: number;
  /** LayerNorm epsilon. */
  eps: number;
}

/** The attention sublayer's operands (matmul order [in, out]); a missing bias is zero. */
export interface AttentionOperands {
  gamma: Float32Array; beta: Float32Array; // [D]
  keep: Int32Array | null; // kept residual dims [k], null = all D
  wQ: Float32Array; bQ: Float32Array | null; // [k, h'*hd], [h'*hd]
  wK: Float32Array; bK: Float32Array | null;
  wV: Float32Array; bV: Float32Array | null; // [k, h'*vmax], [h'*vmax]
  wProj: Float32Array; bProj: Float32Array; // [h'*vmax, D], [D]
}

/** The MLP sublayer's operands. */
export interface MlpOperands {
  gamma: Float32Array; beta: Float32Array; // [D]
  keep: Int32Array | null; // kept residual dims [m], null = all D
  wFc1: Float32Array; bFc1: Float32Array; // [m, u], [u]
  wFc2: Float32Array; bFc2: Float32Array; // [u, D], [D]
}

/** A block of the model: either sublayer may be removed (null). */
export interface BlockOperands { attn: AttentionOperands | null; mlp: MlpOperands | null }

/**
 * Runs blocks: out [B*T, D] = block(x [B*T, D]). `weightIds` (the weight tensors' identities, in a fixed order)
 * lets the kernel keep the block's packed weights in its memory for the next call; without it they are packed per call.
 */
export interface BlockKernel { run(x: Float32Array, block: BlockOperands, d: BlockKernelDims, out: Float32Array, weightIds?: readonly object[]): void }

interface MatMulExports {
  matmulStrided(a: number, lda: number, x: number, ldx: number, o: number, ldo: number, M: number, K: number, N: number, spare: number, bias: number): void;
  matmul(a: number, b: number, o: number, batch: number, M: number, K: number, N: number, spare: number, bias: number): void;
  transpose(src: number, dst: number, batch: number, R: number, C: number): void;
}
interface FusedExports {
  gelu(x: number, y: number, n: number): void;
  layerNorm(x: number, gamma: number, beta: number, y: number, rows: number, D: number, eps: number): void;
}
interface AttentionExports {
  softmaxRows(x: number, rows: number, n: number, scale: number): void;
  swapMiddle(src: number, dst: number, B: number, X: number, Y: number, w: number): void;
  gatherColumns(src: number, idx: number, dst: number, rows: number, D: number, k: number): void;
  addInto(a: number, b: number, n: number): void;
}

/** Rows of the residual stream processed per chunk: keeps the scratch in cache-sized pieces at large batches. */
const CHUNK_ROWS = 512;

/** Named regions laid out one after another from byte 0 (32-byte aligned): their offsets and total bytes. */
interface Layout { at: Record<string, number>; bytes: number }

/** The layout of regions of `sizes` floats each. */
function layout(sizes: Record<string, number>): Layout {
  const at: Record<string, number> = {};
  let bytes = 0;
  for (const [name, n] of Object.entries(sizes)) { at[name] = bytes; bytes += regionBytes(n); }
  return { at, bytes };
}

/** Both layouts' offsets in one record: the weights' moved to byte `wBase`, the scratch's to `sBase`. */
function placed(weights: Layout, wBase: number, scratch: Layout, sBase: number): Record<string, number> {
  const at: Record<string, number> = {};
  for (const [name, off] of Object.entries(weights.at)) at[name] = wBase + off;
  for (const [name, off] of Object.entries(scratch.at)) at[name] = sBase + off;
  return at;
}

/** Unpadded value width V = the sum of the heads' value widths. */
function valueTotal(d: BlockKernelDims): number {
  return d.valueWidths.reduce((sum, w) => sum + w, 0);
}

/** Floats in the widest row any product of the block writes (the zero-bias row and the matmul's spare rows). */
function widestRow(b: BlockOperands, d: BlockKernelDims): number {
  return Math.max(d.D, b.attn ? d.heads * d.hd : 0, b.mlp ? d.hidden : 0, d.T);
}

/** Float counts of the block's packed weight regions (and a row of zeros, the bias of bias-less products). */
function weightSizes(b: BlockOperands, d: BlockKernelDims): Record<string, number> {
  const { D, heads: h, hd } = d;
  const a = b.attn, m = b.mlp;
  const V = valueTotal(d);
  return {
    zeros: widestRow(b, d),
    ...(a ? {
      aG: D, aB: D, aKeep: a.keep?.length ?? 0, wQ: a.wQ.length, bQ: h * hd, wK: a.wK.length, bK: h * hd,
      wV: (a.keep?.length ?? D) * V, bV: V, wProj: V * D, bProj: D,
    } : {}),
    ...(m ? { mG: D, mB: D, mKeep: m.keep?.length ?? 0, wFc1: m.wFc1.length, bFc1: d.hidden, wFc2: m.wFc2.length, bFc2: D } : {}),
  };
}

/** Float counts of the scratch regions for `rows` rows of the residual stream. */
function scratchSizes(b: BlockOperands, d: BlockKernelDims, rows: number): Record<string, number> {
  const { D, heads: h, hd, T } = d;
  const a = b.attn, m = b.mlp;
  const V = valueTotal(d);
  const imgs = rows / T;
  return {
    spare: 3 * widestRow(b, d), res: rows * D, ln: rows * D, sel: rows * Math.max(a?.keep?.length ?? 0, m?.keep?.length ?? 0), o: rows * D,
    ...(a ? { q: rows * h * hd, k: rows * h * hd, v: rows * V, k4: rows * h * hd, k4t: rows * h * hd, s: imgs * h * T * T, merged: rows * V } : {}),
    ...(m ? { hid: rows * d.hidden } : {}),
  };
}

/** Copies the block's weights into their regions, value heads unpacked to their own widths (absent q/k/v biases become zeros). */
function copyWeights(mem: WebAssembly.Memory, at: Record<string, number>, b: BlockOperands, d: BlockKernelDims): void {
  const f = new Float32Array(mem.buffer), i = new Int32Array(mem.buffer);
  const put = (name: string, src: Float32Array | Int32Array | null, n: number) => {
    if (src instanceof Int32Array) {
      assertColumnIndex(src, d.D, 'inference block: the kept-dim index'); // the gather kernel reads whatever an index points at
      i.set(src, at[name] / 4);
    }
    else if (src) f.set(src, at[name] / 4);
    else f.fill(0, at[name] / 4, at[name] / 4 + n);
  };
  put('zeros', null, widestRow(b, d));
  const a = b.attn, m = b.mlp;
  if (a) {
    put('aG', a.gamma, 0); put('aB', a.beta, 0); put('aKeep', a.keep, 0);
    put('wQ', a.wQ, 0); put('bQ', a.bQ, d.heads * d.hd);
    put('wK', a.wK, 0); put('bK', a.bK, d.heads * d.hd);
    const values = valueLayout(d.valueWidths); // the kernel computes each head at its own width
    if (values.vmax !== d.vmax) throw new Error(`inference block: value heads padded to ${d.vmax}, widest head ${values.vmax}`);
    put('wV', unpadValueCols(a.wV, a.keep?.length ?? d.D, values), 0);
    put('bV', a.bV && unpadValueCols(a.bV, 1, values), values.total);
    put('wProj', unpadValueRows(a.wProj, d.D, values), 0); put('bProj', a.bProj, 0);
  }
  if (m) {
    put('mG', m.gamma, 0); put('mB', m.beta, 0); put('mKeep', m.keep, 0);
    put('wFc1', m.wFc1, 0); put('bFc1', m.bFc1, 0); put('wFc2', m.wFc2, 0); put('bFc2', m.bFc2, 0);
  }
}

/** The three modules on one memory, or null where WebAssembly SIMD is unavailable. */
function modules(): { mem: WebAssembly.Memory; mm: MatMulExports; fo: FusedExports; ao: AttentionExports } | null {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const mm = instantiateKernels<MatMulExports>(BATCH_MATMUL_FMA_WASM_BASE64, mem) ?? instantiateKernels<MatMulExports>(BATCH_MATMUL_WASM_BASE64, mem);
  const fo = instantiateKernels<FusedExports>(FUSED_OPS_WASM_BASE64, mem);
  const ao = instantiateKernels<AttentionExports>(ATTENTION_OPS_WASM_BASE64, mem);
  return mm && fo && ao ? { mem, mm, fo, ao } : null;
}

/** The inference block kernel in its own WebAssembly memory, or null where WebAssembly SIMD is unavailable. */
export function blockKernel(): BlockKernel | null {
  const k = modules();
  if (!k) return null;
  const { mem, mm, fo, ao } = k;

  /** LayerNorm of the residual rows into `ln`, then the kept columns into `sel`; returns the input region of the next matmul and its width. */
  const normed = (at: Record<string, number>, rows: number, d: BlockKernelDims, g: string, bt: string, keep: Int32Array | null, keepAt: string): [number, number] => {
    fo.layerNorm(at.res, at[g], at[bt], at.ln, rows, d.D, d.eps);
    if (!keep) return [at.ln, d.D];
    ao.gatherColumns(at.ln, at[keepAt], at.sel, rows, d.D, keep.length); // [rows, k]
    return [at.sel, keep.length];
  };

  /** res += Attn(LN1(res)) for `imgs` images in the regions; values unpadded, one product per image and head. */
  const attention = (at: Record<string, number>, imgs: number, d: BlockKernelDims, keep: Int32Array | null) => {
    const { T, D, heads: h, hd } = d, rows = imgs * T, V = valueTotal(d), F = 4; // F: bytes per float
    const [x, kIn] = normed(at, rows, d, 'aG', 'aB', keep, 'aKeep');
    mm.matmul(x, at.wQ, at.q, 1, rows, kIn, h * hd, at.spare, at.bQ); // [rows, h'*hd]
    mm.matmul(x, at.wK, at.k, 1, rows, kIn, h * hd, at.spare, at.bK); // [rows, h'*hd]
    mm.matmul(x, at.wV, at.v, 1, rows, kIn, V, at.spare, at.bV); // [rows, V]
    ao.swapMiddle(at.k, at.k4, imgs, T, h, hd); // [B, h', T, hd]
    mm.transpose(at.k4, at.k4t, imgs * h, T, hd); // [B, h', hd, T]
    for (let b = 0; b < imgs; b++) {
      for (let j = 0; j < h; j++) { // scores [B, h', T, T] = q_bj [T, hd] (rows h'*hd apart) @ k_bj^T [hd, T]
        const bj = b * h + j;
        mm.matmulStrided(at.q + (b * T * h + j) * hd * F, h * hd, at.k4t + bj * hd * T * F, T, at.s + bj * T * T * F, T, T, hd, T, at.spare, at.zeros);
      }
    }
    ao.softmaxRows(at.s, imgs * h * T, T, 1 / Math.sqrt(hd));
    for (let b = 0; b < imgs; b++) {
      let off = 0;
      d.valueWidths.forEach((w, j) => { // merged[b, :, head j's values] = p_bj [T, T] @ v_bj [T, w_j] (rows V apart)
        const vAt = (b * T * V + off) * F;
        mm.matmulStrided(at.s + (b * h + j) * T * T * F, T, at.v + vAt, V, at.merged + vAt, V, T, T, w, at.spare, at.zeros);
        off += w;
      });
    }
    mm.matmul(at.merged, at.wProj, at.o, 1, rows, V, D, at.spare, at.bProj); // [rows, D]
    ao.addInto(at.res, at.o, rows * D);
  };

  /** res += MLP(LN2(res)). */
  const mlp = (at: Record<string, number>, imgs: number, d: BlockKernelDims, keep: Int32Array | null) => {
    const rows = imgs * d.T;
    const [x, kIn] = normed(at, rows, d, 'mG', 'mB', keep, 'mKeep');
    mm.matmul(x, at.wFc1, at.hid, 1, rows, kIn, d.hidden, at.spare, at.bFc1); // [rows, u]
    fo.gelu(at.hid, at.hid, Math.ceil((rows * d.hidden) / 8) * 8); // the region has room for the tail
    mm.matmul(at.hid, at.wFc2, at.o, 1, rows, d.hidden, d.D, at.spare, at.bFc2); // [rows, D]
    ao.addInto(at.res, at.o, rows * d.D);
  };

  const resident = new ResidentWeights();
  /** Per resident block: its weights' layout and, per row count, the whole call's offsets (valid while the area's end is `sBase`). */
  const callLayouts = new WeakMap<ResidentEntry, { weights: Layout; calls: Map<number, { sBase: number; at: Record<string, number> }> }>();

  /** Offsets of a call: the weights at `wBase`, the scratch for `rows` rows at `sBase`; the memory grown to hold them. */
  const callRegions = (block: BlockOperands, d: BlockKernelDims, rows: number, weights: Layout, wBase: number, sBase: number): Record<string, number> => {
    const scratch = layout(scratchSizes(block, d, rows));
    ensureMemory(mem, sBase + scratch.bytes);
    return placed(weights, wBase, scratch, sBase);
  };

  /** Offsets of a call on a resident block, the scratch after the resident area; computed once per row count. */
  const residentRegions = (entry: ResidentEntry, block: BlockOperands, d: BlockKernelDims, rows: number): Record<string, number> => {
    const cached = callLayouts.get(entry)!;
    const hit = cached.calls.get(rows);
    if (hit && hit.sBase === resident.usedBytes) return hit.at; // the memory was grown for it then and never shrinks
    const at = callRegions(block, d, rows, cached.weights, entry.offset, resident.usedBytes);
    cached.calls.set(rows, { sBase: resident.usedBytes, at });
    return at;
  };

  /** Byte offsets of every region for this call: the weights resident (packed now if new) or packed into the scratch. */
  const regions = (block: BlockOperands, d: BlockKernelDims, rows: number, weightIds?: readonly object[]): Record<string, number> => {
    const found = weightIds ? resident.find(weightIds) : null;
    if (found) return residentRegions(found, block, d, rows);
    const weights = layout(weightSizes(block, d));
    const fresh = weightIds ? resident.place(weightIds, weights.bytes) : null;
    if (fresh) callLayouts.set(fresh, { weights, calls: new Map() });
    const base = resident.usedBytes;
    const at = fresh ? residentRegions(fresh, block, d, rows) : callRegions(block, d, rows, weights, base, base + weights.bytes);
    try {
      copyWeights(mem, at, block, d);
    } catch (error) {
      if (fresh) resident.forget(fresh); // never found later half-packed
      throw error;
    }
    return at;
  };

  return {
    run(x, block, d, out, weightIds) {
      const chunk = Math.max(1, Math.min(d.B, Math.floor(CHUNK_ROWS / d.T)));
      const at = regions(block, d, chunk * d.T, weightIds);
      const rowFloats = d.T * d.D;
      for (let b0 = 0; b0 < d.B; b0 += chunk) {
        const imgs = Math.min(chunk, d.B - b0);
        const heap = new Float32Array(mem.buffer);
        heap.set(x.subarray(b0 * rowFloats, (b0 + imgs) * rowFloats), at.res / 4);
        if (block.attn) attention(at, imgs, d, block.attn.keep);
        if (block.mlp) mlp(at, imgs, d, block.mlp.keep);
        out.set(new Float32Array(mem.buffer, at.res, imgs * rowFloats), b0 * rowFloats);
      }
    },
  };
}
