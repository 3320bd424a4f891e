/** Allocation of the [N, C, H, W] byte buffer of a dataset, refused with advice when it is too large. */
import { DatasetError } from './datasetError';

/** Largest pixel buffer a loader allocates (2 GiB). */
export const MAX_PIXEL_BYTES = 2 * 1024 ** 3;

/** A zeroed Uint8Array for `count` images of `shape` [C, H, W]; throws DatasetError('too-large') over the cap. */
export function allocatePixels(count: number, shape: readonly number[], what: string, maxBytes = MAX_PIXEL_BYTES): Uint8Array {
  const bytes = count * shape[0] * shape[1] * shape[2];
  if (bytes > maxBytes) {
    throw new DatasetError('too-large', `${what}: ${count} images at ${shape.join('×')} need ` +
      `${(bytes / 1024 ** 3).toFixed(1)} GiB, over the ${(maxBytes / 1024 ** 3).toFixed(1)} GiB limit; ` +
      'use fewer images or a smaller model input.');
  }
  return new Uint8Array(bytes);
}
