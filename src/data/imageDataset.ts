/** A file that a dataset loader could not use, and why. */
export interface SkippedFile { file: string; reason: string }

/**
 * Labelled images already resized to the model's input size, kept as bytes to save memory
 * (2,000 RGB 224×224 images are 300 MB as uint8, 1.2 GB as float32); normalised per batch.
 */
export interface ImageDataset {
  /** Pixel bytes 0..255, layout [N, C, H, W] (channels-first like the model input). */
  pixels: Uint8Array;
  /** Class index of every image, [N], each in 0..classNames.length-1. */
  labels: Int32Array;
  /** Class names, index = label. */
  classNames: string[];
  /** Image geometry [C, H, W] shared by all images. */
  shape: [number, number, number];
  /** Files skipped while loading, with the reason (empty when none). */
  skipped: SkippedFile[];
  /** True for loose images with no classes: every label is -1 and classNames is empty (label-free mode only). */
  unlabelled?: boolean;
}

/** The label every image of an unlabelled dataset carries. */
export const NO_LABEL = -1;

/** True when the dataset's images carry class labels (not a label-free set of loose images). */
export function hasLabels(ds: ImageDataset): boolean {
  return ds.unlabelled !== true;
}

/** The same images without labels (labels -1, no classes), e.g. to ignore a labelled set's classes for distillation. */
export function withoutLabels(ds: ImageDataset): ImageDataset {
  return { ...ds, labels: new Int32Array(ds.labels.length).fill(NO_LABEL), classNames: [], unlabelled: true };
}

/** Number of images in a dataset. */
export function datasetSize(ds: ImageDataset): number {
  return ds.labels.length;
}

/** Per-channel normalisation (the checkpoint's mean/std, on pixels scaled to [0, 1]). */
export interface Normalisation { mean: number[]; std: number[] }

/** The images at `indices` as normalised float32 [n, C, H, W]: (pixel / 255 - mean[c]) / std[c]. */
export function normalisedBatch(ds: ImageDataset, indices: ArrayLike<number>, norm: Normalisation): Float32Array {
  const [C, H, W] = ds.shape;
  const plane = H * W;
  const per = C * plane;
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] * per;
    for (let c = 0; c < C; c++) {
      const mean = norm.mean[c % norm.mean.length];
      const scale = 1 / (255 * norm.std[c % norm.std.length]);
      const shift = mean / norm.std[c % norm.std.length];
      const base = c * plane;
      for (let p = 0; p < plane; p++) out[i * per + base + p] = ds.pixels[src + base + p] * scale - shift;
    }
  }
  return out;
}

/** The subset of a dataset at `indices` (copies the bytes). */
export function subsetDataset(ds: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const pixels = new Uint8Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    pixels.set(ds.pixels.subarray(indices[i] * per, (indices[i] + 1) * per), i * per);
    labels[i] = ds.labels[indices[i]];
  }
  return { ...ds, pixels, labels, skipped: [] };
}
