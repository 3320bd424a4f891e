import { expectedShapes } from './vitWeights';
import { sizeOf, type HostTensors } from './hostTensor';
import type { VitConfig } from './vitConfig';

/** Options of random initialisation: weight std, bias std, seed. */
export interface VitInitOptions { weightStd: number; biasStd: number; seed: number }

/** timm-like defaults: weights N(0, 0.02), zero biases, LayerNorm gamma 1. */
export const VIT_INIT_DEFAULTS: VitInitOptions = { weightStd: 0.02, biasStd: 0, seed: 0 };

/** A seeded uniform [0, 1) generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded standard normal generator (Box-Muller over seededRandom). */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Random canonical weights for `cfg` (any slim dims), for tests and benchmarks. */
export function randomVitTensors(cfg: VitConfig, options: Partial<VitInitOptions> = {}): HostTensors {
  const opts = { ...VIT_INIT_DEFAULTS, ...options };
  const normal = seededNormal(opts.seed);
  const tensors: HostTensors = new Map();
  for (const [key, shape] of expectedShapes(cfg)) {
    const data = new Float32Array(sizeOf(shape));
    const isNorm = /norm\d?\.weight$/.test(key) || key === 'norm.weight';
    const isBias = key.endsWith('.bias');
    for (let i = 0; i < data.length; i++) {
      if (isNorm) data[i] = 1 + opts.biasStd * normal();
      else data[i] = (isBias ? opts.biasStd : opts.weightStd) * normal();
    }
    tensors.set(key, { shape, data });
  }
  return tensors;
}

/** Seeded pixel values in [-1, 1) for `batch` images of `cfg`'s input, laid out [batch, C, H, W] (seed = batch). */
export function seededImages(cfg: VitConfig, batch: number): Float32Array {
  const rand = seededRandom(batch);
  return Float32Array.from({ length: batch * cfg.inChans * cfg.imageSize[0] * cfg.imageSize[1] }, () => rand() * 2 - 1);
}
