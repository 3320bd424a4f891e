import { vitConfig, type VitConfig } from '../../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../../src/model/vitInit';
import { vitParams, type VitParams } from '../../../src/model/vitParams';
import type { ImageDataset } from '../../../src/data/imageDataset';

/** The tiny model of the training tests: 8×8×1, patch 4, D 8, 2 blocks, 2 heads, MLP 16, 3 classes. */
export const CFG: VitConfig = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 8, depth: 2, numHeads: 2, mlpHidden: 16, numClasses: 3 });
/** Normalisation of the quadrant images. */
export const NORM = { mean: [0.3], std: [0.35] };

/** 8×8 grey images whose class is the bright quadrant: 0 top-left, 1 top-right, 2 bottom-left; noisy background. */
export function quadrantDataset(n: number, seed: number): ImageDataset {
  const rand = seededRandom(seed);
  const pixels = new Uint8Array(n * 64);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  for (let i = 0; i < n; i++) {
    const [r0, c0] = [[0, 0], [0, 4], [4, 0]][labels[i]];
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      const bright = y >= r0 && y < r0 + 4 && x >= c0 && x < c0 + 4;
      pixels[i * 64 + y * 8 + x] = bright ? 170 + Math.floor(rand() * 85) : Math.floor(rand() * 70);
    }
  }
  return { pixels, labels, classNames: ['tl', 'tr', 'bl'], shape: [1, 8, 8], skipped: [] };
}

/** 96 quadrant images, seed 3. */
export const DATA = quadrantDataset(96, 3);

/** The tiny model with weights N(0, 0.3) (richer features than timm's 0.02, so a few dozen steps learn the task). */
export const model = (trainable = false, seed = 1): VitParams => vitParams(CFG, randomVitTensors(CFG, { seed, weightStd: 0.3 }), trainable);
