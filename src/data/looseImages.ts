/**
 * Loose images without classes, for label-free (distillation) training: every image file under the
 * chosen folder, whatever its sub-folder, becomes one unlabelled image (labels -1, no class names).
 */
import { DatasetError } from './datasetError';
import { NO_LABEL, type ImageDataset, type SkippedFile } from './imageDataset';
import { decodeItem, imageFolderLayout, type ImageFolderOptions } from './imageFolder';
import { extensionOf, isFolderEntry, isHiddenPath, type NamedBytes } from './namedBytes';
import { checkTargetShape, resizeImage } from './resizeImage';

/** Extensions read as images. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** True when the files are an image folder whose images all lie loose (no class sub-folders). */
export function isLooseImageFolder(files: NamedBytes[]): boolean {
  const visible = files.filter((f) => !isHiddenPath(f.name) && !isFolderEntry(f));
  if (visible.length === 0) return false;
  const layout = imageFolderLayout(files);
  return layout.items.length === 0 && layout.skipped.length > 0;
}

/** Decodes every image file (any folder depth) resized to `shape` [C, H, W] into an unlabelled dataset. */
export function loadLooseImages(files: NamedBytes[], shape: [number, number, number], options: ImageFolderOptions): ImageDataset {
  checkTargetShape(shape);
  const candidates = files.filter((f) => !isHiddenPath(f.name) && !isFolderEntry(f)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const per = shape[0] * shape[1] * shape[2];
  const pixels = new Uint8Array(candidates.length * per);
  const skipped: SkippedFile[] = [];
  let n = 0;
  candidates.forEach((file, i) => {
    const img = IMAGE_EXTENSIONS.has(extensionOf(file.name)) ? decodeItem(file, options) : 'not a PNG or JPEG file';
    if (typeof img === 'string') skipped.push({ file: file.name, reason: img });
    else { resizeImage(img, shape, pixels, n * per); n++; }
    options.onProgress?.(i + 1, candidates.length);
  });
  if (n === 0) {
    throw new DatasetError('empty', `none of the ${candidates.length} file(s) is a usable image` +
      (skipped[0] ? ` (e.g. ${skipped[0].file}: ${skipped[0].reason})` : '') + '.', skipped[0]?.file);
  }
  return {
    pixels: n === candidates.length ? pixels : pixels.slice(0, n * per), labels: new Int32Array(n).fill(NO_LABEL),
    classNames: [], shape: [...shape], skipped, unlabelled: true,
  };
}
