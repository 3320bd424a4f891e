/** A float32 tensor held in plain memory (row-major), as read from or written to a file. */
export interface HostTensor {
  /** Dimensions, outermost first (PyTorch order, e.g. Linear weight = [out, in]). */
  shape: number[];
  /** Row-major values; length = product of shape. */
  data: Float32Array;
}

/** Named host tensors, keyed by the project's canonical names (see vitWeights.ts). */
export type HostTensors = Map<string, HostTensor>;

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
