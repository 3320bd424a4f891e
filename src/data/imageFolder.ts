/**
 * The ImageFolder convention (torchvision): one subfolder per class under a common root, class names
 * sorted alphabetically, label = index in that order; files deeper inside a class folder count too.
 * Works on named byte arrays, so the browser and Node share it; decoding is injected.
 */
import { DatasetError, errorMessage } from './datasetError';
import { DEFAULT_MAX_PIXELS, imageHeaderProblem } from './imageHeader';
import type { ImageDataset, SkippedFile } from './imageDataset';
import { isFolderEntry, isHiddenPath, pathParts, type NamedBytes } from './namedBytes';
import { checkTargetShape, decodedImageProblem, resizeImage, type DecodedImage } from './resizeImage';

/** Decodes PNG/JPEG bytes to interleaved gray/RGBA pixels; may throw on bad input. */
export type ImageDecoder = (bytes: Uint8Array, name: string) => DecodedImage;

/** Options for loading an image folder. */
export interface ImageFolderOptions {
  decoder: ImageDecoder;
  /** Largest width × height accepted, checked on the header before decoding (default 50 MP). */
  maxPixels?: number;
  /** Called after each file with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** One image file and its class index, before decoding. */
export interface FolderItem { file: NamedBytes; label: number }

/** Class names, the files to decode and the files already skipped, from paths alone. */
export interface FolderLayout { classNames: string[]; items: FolderItem[]; skipped: SkippedFile[]; root: string }

/** Longest common folder prefix (in components) of the given folder paths. */
function commonPrefix(dirs: string[][]): string[] {
  if (dirs.length === 0) return [];
  let prefix = dirs[0];
  for (const dir of dirs) {
    let k = 0;
    while (k < prefix.length && k < dir.length && prefix[k] === dir[k]) k++;
    prefix = prefix.slice(0, k);
  }
  return prefix;
}

/** Groups files into classes by folder (no decoding); hidden files are ignored silently. */
export function imageFolderLayout(files: NamedBytes[]): FolderLayout {
  const visible = files.filter((f) => !isHiddenPath(f.name));
  const plain = visible.filter((f) => !isFolderEntry(f));
  if (plain.length === 0) {
    throw new DatasetError('empty', 'no files found: choose a folder with one subfolder of images per class.');
  }
  const folders = visible.filter(isFolderEntry).map((f) => pathParts(f.name));
  const root = commonPrefix([...plain.map((f) => pathParts(f.name).slice(0, -1)), ...folders]);
  const classes = new Set<string>();
  for (const parts of folders) if (parts.length > root.length) classes.add(parts[root.length]);
  const found: { file: NamedBytes; cls: string }[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of plain) {
    const rel = pathParts(file.name).slice(root.length);
    if (rel.length < 2) skipped.push({ file: file.name, reason: 'not inside a class folder' });
    else { classes.add(rel[0]); found.push({ file, cls: rel[0] }); }
  }
  const classNames = [...classes].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  found.sort((a, b) => (a.file.name < b.file.name ? -1 : a.file.name > b.file.name ? 1 : 0));
  const items = found.map(({ file, cls }) => ({ file, label: index.get(cls)! }));
  return { classNames, items, skipped, root: root.join('/') };
}

/** Throws unless the layout has at least one candidate image and at least two classes. */
function checkLayout(layout: FolderLayout): void {
  const where = layout.root === '' ? 'the chosen folder' : `"${layout.root}"`;
  if (layout.items.length === 0) {
    const loose = layout.skipped.length;
    throw new DatasetError('empty', `no images found in class folders under ${where}` +
      (loose > 0 ? ` (${loose} file(s) lie directly in it); ` : '; ') +
      'put the images of each class in their own subfolder, e.g. cat/001.png, dog/001.png ' +
      '(loose images without classes work only for label-free training: vtp scores --distill, or "Match the original model").');
  }
  if (layout.classNames.length < 2) {
    throw new DatasetError('classes', `found ${layout.classNames.length} class folder(s) under ${where} ` +
      `(${layout.classNames.join(', ')}); an image folder needs one subfolder per class and at least 2 classes.`);
  }
}

/** Decodes one file, or returns the reason it must be skipped. */
export function decodeItem(file: NamedBytes, options: ImageFolderOptions): DecodedImage | string {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const headerProblem = imageHeaderProblem(file.bytes, maxPixels);
  if (headerProblem) return headerProblem;
  let img: DecodedImage;
  try {
    img = options.decoder(file.bytes, file.name);
  } catch (error) {
    return `could not decode: ${errorMessage(error)}`;
  }
  const problem = decodedImageProblem(img);
  if (problem) return `could not decode: ${problem}`;
  if (img.width * img.height > maxPixels) return `image is ${img.width}×${img.height}, over the pixel limit`;
  return img;
}

/** Throws when a class folder ended up with no usable image (it would shift every later label). */
function checkEveryClassUsed(layout: FolderLayout, labels: Int32Array, skipped: SkippedFile[]): void {
  const counts = new Array<number>(layout.classNames.length).fill(0);
  for (const label of labels) counts[label]++;
  const empty = layout.classNames.filter((_, i) => counts[i] === 0);
  if (empty.length === 0) return;
  const why = skipped.find((s) => pathParts(s.file).includes(empty[0]));
  throw new DatasetError('classes', `class folder(s) ${empty.map((c) => `"${c}"`).join(', ')} contain no usable ` +
    `image${why ? ` (e.g. ${why.file}: ${why.reason})` : ''}; add images or remove the folder.`, empty[0]);
}

/** Loads an ImageFolder tree of PNG/JPEG files, resized to `shape` [C, H, W]; bad files are skipped. */
export function loadImageFolder(
  files: NamedBytes[], shape: [number, number, number], options: ImageFolderOptions,
): ImageDataset {
  checkTargetShape(shape);
  const layout = imageFolderLayout(files);
  checkLayout(layout);
  const per = shape[0] * shape[1] * shape[2];
  const pixels = new Uint8Array(layout.items.length * per);
  const labels: number[] = [];
  const skipped = [...layout.skipped];
  layout.items.forEach(({ file, label }, i) => {
    const img = decodeItem(file, options);
    if (typeof img === 'string') skipped.push({ file: file.name, reason: img });
    else { resizeImage(img, shape, pixels, labels.length * per); labels.push(label); }
    options.onProgress?.(i + 1, layout.items.length);
  });
  if (labels.length === 0) {
    const first = skipped.find((s) => s.reason !== 'not inside a class folder') ?? skipped[0];
    throw new DatasetError('empty', `none of the ${layout.items.length} image file(s) could be used` +
      (first ? ` (e.g. ${first.file}: ${first.reason})` : '') + '.', first?.file);
  }
  const labelArray = Int32Array.from(labels);
  checkEveryClassUsed(layout, labelArray, skipped);
  const used = labels.length === layout.items.length ? pixels : pixels.slice(0, labels.length * per);
  return { pixels: used, labels: labelArray, classNames: layout.classNames, shape: [...shape], skipped };
}
