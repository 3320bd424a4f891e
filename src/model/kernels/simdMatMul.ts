/**
 * Host side of the SIMD batched-matmul WebAssembly module (batchMatMul.wat): copies operands into the
 * module's memory, transposes them there when asked, multiplies (adding a bias row when given), and
 * copies the product out.
 */
import { BATCH_MATMUL_FMA_WASM_BASE64, BATCH_MATMUL_WASM_BASE64 } from './batchMatMulWasm';
import { ensureMemory, instantiateKernels, regionBytes } from './wasmArena';

/** Sizes of one batched product out [batch, M, N] = op(a) · op(b), op = optional transpose of the last two axes. */
export interface MatMulDims {
  batch: number;
  /** Rows of the product. */
  M: number;
  /** The shared (summed) dimension. */
  K: number;
  /** Columns of the product. */
  N: number;
  /** a is stored [batch, K, M] instead of [batch, M, K]. */
  transposeA: boolean;
  /** b is stored [batch, N, K] instead of [batch, K, N]. */
  transposeB: boolean;
}

/** A batched float32 matmul running in its own SIMD WebAssembly instance. */
export interface SimdMatMul {
  /** Writes op(a) · op(b) (+ bias [N] on every row when given) into out ([batch, M, N]); a and b as described by dims. */
  run(a: Float32Array, b: Float32Array, out: Float32Array, dims: MatMulDims, bias?: Float32Array): void;
  /** Whether it uses relaxed-SIMD fused multiply-adds (where the engine validates relaxed SIMD). */
  fma: boolean;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  matmul(a: number, b: number, o: number, batch: number, M: number, K: number, N: number, spare: number, bias: number): void;
  transpose(src: number, dst: number, batch: number, R: number, C: number): void;
}

/**
 * Runs one product in the instance: a, b and bias (zeros when absent) copied in at
 * [A | B | O | 3 spare rows | bias | A^T | B^T], out copied back.
 */
function runInInstance(k: KernelExports, a: Float32Array, b: Float32Array, out: Float32Array, d: MatMulDims, bias?: Float32Array): void {
  const aN = d.batch * d.M * d.K, bN = d.batch * d.K * d.N, oN = d.batch * d.M * d.N;
  const aOff = 0, bOff = aOff + regionBytes(aN), oOff = bOff + regionBytes(bN), spareOff = oOff + regionBytes(oN);
  const biasOff = spareOff + regionBytes(3 * d.N), atOff = biasOff + regionBytes(d.N), btOff = atOff + (d.transposeA ? regionBytes(aN) : 0);
  ensureMemory(k.memory, btOff + (d.transposeB ? regionBytes(bN) : 0));
  const heap = new Float32Array(k.memory.buffer);
  heap.set(a.subarray(0, aN), aOff / 4);
  heap.set(b.subarray(0, bN), bOff / 4);
  if (bias) heap.set(bias.subarray(0, d.N), biasOff / 4);
  else heap.fill(0, biasOff / 4, biasOff / 4 + d.N);
  let aPtr = aOff, bPtr = bOff;
  if (d.transposeA) { k.transpose(aOff, atOff, d.batch, d.K, d.M); aPtr = atOff; } // [batch, K, M] -> [batch, M, K]
  if (d.transposeB) { k.transpose(bOff, btOff, d.batch, d.N, d.K); bPtr = btOff; } // [batch, N, K] -> [batch, K, N]
  k.matmul(aPtr, bPtr, oOff, d.batch, d.M, d.K, d.N, spareOff, biasOff);
  out.set(new Float32Array(k.memory.buffer, oOff, oN));
}

/**
 * A SIMD batched matmul, with fused multiply-adds where relaxed SIMD validates (Chrome >= 114; Node 20
 * after useNodeBackend sets V8's flag), else plain SIMD; null where WebAssembly SIMD is unavailable
 * (the caller keeps its own kernel). `plain` skips the fused variant.
 */
export function simdMatMul(plain = false): SimdMatMul | null {
  const fmaK = plain ? null : instantiateKernels<KernelExports>(BATCH_MATMUL_FMA_WASM_BASE64);
  const k = fmaK ?? instantiateKernels<KernelExports>(BATCH_MATMUL_WASM_BASE64);
  if (!k) return null;
  return { run: (a, b, out, dims, bias) => runInInstance(k, a, b, out, dims, bias), fma: fmaK !== null };
}
