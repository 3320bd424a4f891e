/**
 * Host side of the fused SIMD kernels (fusedOps.wat): GELU and its gradient, LayerNorm (frozen
 * gamma/beta) and its input gradient, and the gradient of a per-column gate product. Operands are
 * copied into the module's memory, the kernel runs there, results are copied out.
 */
import { FUSED_OPS_WASM_BASE64 } from './fusedOpsWasm';
import { instantiateKernels, runInArena } from './wasmArena';

/** The fused kernels on float32 arrays; row-wise ones take the row width (a multiple of 4). */
export interface FusedOps {
  /** y = x Φ(x), elementwise. */
  gelu(x: Float32Array, y: Float32Array): void;
  /** dx = dy (Φ(x) + x φ(x)), elementwise. */
  geluGrad(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /** y = LayerNorm(x) over rows of width D: x, y [rows, D], gamma, beta [D]. */
  layerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, eps: number): void;
  /** LayerNorm's input gradient with gamma frozen: x, dy, dx [rows, D], gamma [D]. */
  layerNormGrad(x: Float32Array, gamma: Float32Array, dy: Float32Array, dx: Float32Array, eps: number): void;
  /** Backward of y = x gate: dx = dy gate, dgate = Σ_rows dy x; x, dy, dx [rows, C], gate, dgate [C]. */
  gateGrad(x: Float32Array, gate: Float32Array, dy: Float32Array, dx: Float32Array, dgate: Float32Array): void;
}

interface FusedExports {
  memory: WebAssembly.Memory;
  gelu(x: number, y: number, n: number): void;
  geluGrad(x: number, dy: number, dx: number, n: number): void;
  layerNorm(x: number, gamma: number, beta: number, y: number, rows: number, D: number, eps: number): void;
  layerNormGrad(x: number, gamma: number, dy: number, dx: number, rows: number, D: number, eps: number): void;
  gateGrad(x: number, gate: number, dy: number, dx: number, dgate: number, rows: number, C: number): void;
}

/** n rounded up to a multiple of 8 (the elementwise kernels run two vectors of four lanes at a time; the tail is scratch). */
function lanes(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** The fused kernels in their own SIMD WebAssembly instance, or null where WebAssembly SIMD is unavailable. */
export function fusedOps(): FusedOps | null {
  const k = instantiateKernels<FusedExports>(FUSED_OPS_WASM_BASE64);
  if (!k) return null;
  const m = k.memory;
  return {
    gelu: (x, y) => runInArena(m, [x], [y], ([px, py]) => k.gelu(px, py, lanes(x.length))),
    geluGrad: (x, dy, dx) => runInArena(m, [x, dy], [dx], ([px, pdy, pdx]) => k.geluGrad(px, pdy, pdx, lanes(x.length))),
    layerNorm: (x, gamma, beta, y, eps) => runInArena(m, [x, gamma, beta], [y],
      ([px, pg, pb, py]) => k.layerNorm(px, pg, pb, py, x.length / gamma.length, gamma.length, eps)),
    layerNormGrad: (x, gamma, dy, dx, eps) => runInArena(m, [x, gamma, dy], [dx],
      ([px, pg, pdy, pdx]) => k.layerNormGrad(px, pg, pdy, pdx, x.length / gamma.length, gamma.length, eps)),
    gateGrad: (x, gate, dy, dx, dgate) => runInArena(m, [x, gate, dy], [dx, dgate],
      ([px, pg, pdy, pdx, pdg]) => k.gateGrad(px, pg, pdy, pdx, pdg, x.length / gate.length, gate.length)),
  };
}
