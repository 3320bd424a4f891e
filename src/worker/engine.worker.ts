/**
 * The one Web Worker of the studio: registers the tfjs backends (WebGPU, WebGL, WASM single-thread,
 * CPU) and all gradients, and exposes the engine's EngineApi with comlink. Created by the store with
 * `new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' })`.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as comlink from 'comlink';
import { predecodeImages } from './browserImageDecoder';
import { createEngine } from './engine';
import { configureWasm } from './wasmSetup';
import { useSimdBatchMatMul } from '../model/kernels/wasmBatchMatMul';
import { useColumnGather } from '../model/kernels/wasmColumnGather';
import { useFusedKernels } from '../model/kernels/wasmFusedKernels';

configureWasm();
useSimdBatchMatMul();
useColumnGather();
useFusedKernels();
comlink.expose(createEngine({ decoders: (files) => predecodeImages(files) }).api);
