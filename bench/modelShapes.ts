/** DeiT-sized architectures for the benchmarks (224×224, 3 channels, patch 16, 1000 classes) with random weights. */
import type { HostTensors } from '../src/model/hostTensor';
import { vitConfig, type VitConfig } from '../src/model/vitConfig';
import { randomVitTensors } from '../src/model/vitInit';

/** The DeiT sizes used by the benchmarks. */
export type DeitSize = 'tiny' | 'small' | 'base';

const DIMS: Record<DeitSize, { embedDim: number; numHeads: number }> = {
  tiny: { embedDim: 192, numHeads: 3 },
  small: { embedDim: 384, numHeads: 6 },
  base: { embedDim: 768, numHeads: 12 },
};

/** The config of DeiT-`size` (12 blocks, MLP 4×D, timm's deit_<size>_patch16_224); `imageSize` px square (default 224). */
export function deitConfig(size: DeitSize, imageSize = 224): VitConfig {
  const { embedDim, numHeads } = DIMS[size];
  return vitConfig({
    imageSize: [imageSize, imageSize], patchSize: 16, inChans: 3, embedDim, depth: 12, numHeads, mlpHidden: 4 * embedDim,
    numClasses: 1000, architecture: `deit_${size}_patch16_224`,
  });
}

/** Display name, e.g. "DeiT-Small". */
export function deitName(size: DeitSize): string {
  return `DeiT-${size[0].toUpperCase()}${size.slice(1)}`;
}

/** DeiT-`size` with seeded random weights (timm's init scale: std 0.02, zero biases), `imageSize` px input. */
export function randomDeit(size: DeitSize, imageSize = 224): { name: string; cfg: VitConfig; tensors: HostTensors } {
  const cfg = deitConfig(size, imageSize);
  return { name: deitName(size), cfg, tensors: randomVitTensors(cfg, { seed: 11 }) };
}
