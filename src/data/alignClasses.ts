import type { ImageDataset } from './imageDataset';

/** A dataset relabelled to a model's class order, and how the match was made. */
export interface AlignedDataset { dataset: ImageDataset; matchedBy: 'name' | 'index'; note: string | null }

/** Case- and space-insensitive form of a class name for matching. */
function key(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/**
 * Maps a dataset's labels onto the model's class indices: by class name when every dataset class
 * is one of the model's, else by position (with a note). Throws when the dataset has more classes.
 */
export function alignClasses(ds: ImageDataset, modelClasses: string[] | null, numClasses: number): AlignedDataset {
  if (ds.classNames.length > numClasses) {
    throw new Error(`the dataset has ${ds.classNames.length} classes, the model only ${numClasses}`);
  }
  const index = new Map((modelClasses ?? []).map((n, i) => [key(n), i]));
  const mapped = ds.classNames.map((n) => index.get(key(n)));
  if (mapped.every((i) => i !== undefined)) {
    const identity = mapped.every((m, i) => m === i);
    const labels = identity ? ds.labels : ds.labels.map((l) => mapped[l]!);
    const names = modelClasses!.slice();
    return { dataset: { ...ds, labels, classNames: names }, matchedBy: 'name', note: null };
  }
  const note = modelClasses
    ? `dataset classes (${ds.classNames.slice(0, 3).join(', ')}...) do not match the model's (${modelClasses.slice(0, 3).join(', ')}...); matched by position`
    : null;
  return { dataset: ds, matchedBy: 'index', note };
}
