/** Uploaded image files: a whole dataset at once, or several images per call with a class typed in. */
import { baseName, type NamedBytes } from '../data/namedBytes';
import type { EngineSession } from './session';

/** A class name safe to use as a folder name (no separators, not hidden, not empty). */
export function classFolder(className: string): string {
  const cleaned = className.trim().replace(/[\\/]+/g, '-').replace(/^\.+/, '');
  if (cleaned === '') throw new Error('type a class name for these images');
  return cleaned;
}

/**
 * The files to load: with a class name, the images are filed under that class and merged with the
 * images uploaded for other classes before (same class and name replaces); without one, they replace them.
 */
export function uploadFiles(session: EngineSession, files: NamedBytes[], className?: string): NamedBytes[] {
  if (className === undefined || className === '') {
    session.uploads = [];
    return files;
  }
  const folder = classFolder(className);
  const added = files.map((f) => ({ name: `${folder}/${baseName(f.name)}`, bytes: f.bytes }));
  const names = new Set(added.map((f) => f.name));
  session.uploads = [...session.uploads.filter((f) => !names.has(f.name)), ...added];
  const classes = new Set(session.uploads.map((f) => f.name.split('/')[0]));
  if (classes.size < 2) {
    throw new Error(`Added ${added.length} image${added.length === 1 ? '' : 's'} to class '${folder}'. ` +
      'Add images of at least one more class to make a dataset.');
  }
  return session.uploads;
}
