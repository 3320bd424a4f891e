/** A dataset's labels moved from its own classes onto a model's classes, without copying the pixels. */
import { DatasetError } from './datasetError';
import type { ImageDataset } from './imageDataset';
import { UNMATCHED } from './classMatch';

/**
 * `ds` with every label l replaced by mapping[l] and the model's class names (pixels shared, labels
 * copied). Throws when an image's class is UNMATCHED.
 */
export function relabelDataset(ds: ImageDataset, mapping: readonly number[], modelNames: string[]): ImageDataset {
  if (mapping.length !== ds.classNames.length) {
    throw new DatasetError('classes', `the class mapping has ${mapping.length} entries for ${ds.classNames.length} dataset classes.`);
  }
  const labels = new Int32Array(ds.labels.length);
  for (let i = 0; i < labels.length; i++) {
    const to = mapping[ds.labels[i]];
    if (to === UNMATCHED || to === undefined) {
      throw new DatasetError('classes', `the dataset class '${ds.classNames[ds.labels[i]]}' is not mapped to a model class.`);
    }
    labels[i] = to;
  }
  return { ...ds, labels, classNames: modelNames.slice() };
}
