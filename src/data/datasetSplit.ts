/** Seeded, stratified train/validation splits and per-class counts. */
import { DatasetError } from './datasetError';
import { subsetDataset, type ImageDataset } from './imageDataset';
import { seededRandom } from '../model/vitInit';
import { shuffledClasses, stratifiedOrder } from './stratifiedOrder';

/** Images per class, index = label (length = classNames.length). */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (const label of ds.labels) counts[label] += 1;
  return counts;
}

export { seededRandom } from '../model/vitInit';

/**
 * Indices of a stratified split: per class, round(count × valFraction) images go to validation (at
 * least 1 when the class has 2 or more, never all of them); train ascending, validation in a seeded
 * stratified order (every prefix holds the classes in proportion, see stratifiedOrder); same seed, same split.
 */
export function stratifiedSplitIndices(
  labels: ArrayLike<number>, valFraction: number, seed = 0,
): { train: Int32Array; val: Int32Array } {
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new DatasetError('options', `the validation fraction must be between 0 and 1 (exclusive); got ${valFraction}.`);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (const [, list] of shuffledClasses(labels, seededRandom(seed))) {
    const take = list.length < 2 ? 0 : Math.min(list.length - 1, Math.max(1, Math.round(list.length * valFraction)));
    list.forEach((index, k) => (k < take ? val : train).push(index));
  }
  const valLabels = Int32Array.from(val, (i) => labels[i]);
  const interleaved = Int32Array.from(stratifiedOrder(valLabels, seed), (k) => val[k]);
  return { train: Int32Array.from(train.sort((a, b) => a - b)), val: interleaved };
}

/** A seeded, stratified split of a dataset into train and validation parts (copies the bytes). */
export function stratifiedSplit(
  ds: ImageDataset, valFraction: number, seed = 0,
): { train: ImageDataset; val: ImageDataset } {
  const { train, val } = stratifiedSplitIndices(ds.labels, valFraction, seed);
  return { train: { ...subsetDataset(ds, train), skipped: ds.skipped }, val: subsetDataset(ds, val) };
}
