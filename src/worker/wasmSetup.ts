/**
 * Points the tfjs wasm backend at the .wasm binaries Vite emits (imported with `?url`), and keeps it on
 * the single-thread builds: the threaded build needs COOP/COEP and breaks under a minified Vite build
 * (DESIGN.md section 6), so multithreading is switched off and its binary is never mapped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

/** Maps the single-thread wasm binaries to their bundled URLs and turns multithreading off. */
export function configureWasm(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // setWasmPaths insists on an entry for every binary; the threaded one is never loaded (multithreading is
  // off above), so it points at the SIMD file instead of shipping a binary that cannot run here.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainWasmUrl,
    'tfjs-backend-wasm-simd.wasm': simdWasmUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': simdWasmUrl,
  });
}
