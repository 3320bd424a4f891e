/**
 * Memory of a kernel WebAssembly instance used as a scratch arena: operands are copied in at 32-byte
 * aligned offsets, the kernel runs on them, results are copied out. Shared by the SIMD matmul and the
 * fused elementwise kernels.
 */

const PAGE_BYTES = 65536;

/** Bytes of n floats rounded up to 32 (each region starts 16-byte aligned and has room for a tail of up to 8 floats). */
export function regionBytes(n: number): number {
  return Math.ceil((n * 4) / 32) * 32;
}

/** Grows the module's memory to at least `bytes`. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
}

/**
 * A module's exports instantiated from its base64 bytes on `memory` (every kernel module imports its
 * memory as env.memory; modules given the same one share an arena), with that memory; null where the
 * module does not validate (no SIMD).
 */
export function instantiateKernels<T>(base64: string, memory?: WebAssembly.Memory): (T & { memory: WebAssembly.Memory }) | null {
  if (typeof WebAssembly === 'undefined') return null;
  // atob exists in browsers, workers and Node >= 16.
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (!WebAssembly.validate(bytes)) return null;
  const mem = memory ?? new WebAssembly.Memory({ initial: 1 });
  // The modules are a few KB: synchronous compilation is allowed on every thread.
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } }).exports;
  return { ...(exports as unknown as T), memory: mem };
}

/**
 * Copies `inputs` into `memory` one after another, leaves room for outputs of `outputLengths` floats
 * after them, runs `call` with every region's byte offset (inputs first), then copies each output
 * region into `outputs` (same order and lengths).
 */
export function runInArena(memory: WebAssembly.Memory, inputs: Float32Array[], outputs: Float32Array[], call: (offsets: number[]) => void): void {
  const offsets: number[] = [];
  let end = 0;
  for (const a of [...inputs, ...outputs]) { offsets.push(end); end += regionBytes(a.length); }
  ensureMemory(memory, end);
  const heap = new Float32Array(memory.buffer);
  inputs.forEach((a, i) => heap.set(a, offsets[i] / 4));
  call(offsets);
  outputs.forEach((a, i) => { const off = offsets[inputs.length + i]; a.set(new Float32Array(memory.buffer, off, a.length)); });
}
