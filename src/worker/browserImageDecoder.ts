/**
 * Image decoding in the worker with createImageBitmap + OffscreenCanvas. The data loaders take a
 * synchronous ImageDecoder, so every image file is decoded ahead, asynchronously, and a lookup decoder
 * is handed to them. Each file's header is checked first (imageHeaderProblem: empty, not an image,
 * oversized) so that nothing absurd is ever decoded; large images are downscaled while decoding.
 */
import { DEFAULT_MAX_PIXELS, imageHeaderProblem, sniffImageFormat } from '../data/imageHeader';
import type { ImageDecoder } from '../data/imageFolder';
import type { NamedBytes } from '../data/namedBytes';
import type { DecodedImage } from '../data/resizeImage';

/** Limits of the browser decoder. */
export interface BrowserDecodeOptions {
  /** Largest width × height accepted (checked on the header before decoding). */
  maxPixels: number;
  /** Images with a longer side than this are downscaled to it while decoding. */
  maxSide: number;
  /** Called after each file with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Defaults: 50 MP cap, decode at most 1024 px on the longer side. */
export const BROWSER_DECODE_DEFAULTS: BrowserDecodeOptions = { maxPixels: DEFAULT_MAX_PIXELS, maxSide: 1024 };

/** The size to decode at: the image's own, or scaled so that the longer side is `maxSide`. */
export function decodeSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Decodes one PNG/JPEG to RGBA pixels (downscaled to maxSide). */
async function decodeOne(bytes: Uint8Array, opts: BrowserDecodeOptions): Promise<DecodedImage> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  const probe = await createImageBitmap(blob);
  const size = decodeSize(probe.width, probe.height, opts.maxSide);
  let bitmap = probe;
  if (size.width !== probe.width || size.height !== probe.height) {
    probe.close();
    bitmap = await createImageBitmap(blob, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' });
  }
  try {
    const canvas = new OffscreenCanvas(size.width, size.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, size.width, size.height).data;
    return { width: size.width, height: size.height, channels: 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
}

/** True for files worth decoding (PNG or JPEG by magic number). */
function isImage(file: NamedBytes): boolean {
  const format = sniffImageFormat(file.bytes);
  return format === 'png' || format === 'jpeg';
}

/**
 * Decodes every acceptable image among `files` ahead of time and returns a synchronous decoder that
 * looks the results up by bytes (throwing the recorded reason for files that failed).
 */
export async function predecodeImages(files: NamedBytes[], options: Partial<BrowserDecodeOptions> = {}): Promise<ImageDecoder> {
  const opts = { ...BROWSER_DECODE_DEFAULTS, ...options };
  const results = new Map<Uint8Array, DecodedImage | string>();
  const candidates = files.filter(isImage);
  for (let i = 0; i < candidates.length; i++) {
    const file = candidates[i];
    const problem = imageHeaderProblem(file.bytes, opts.maxPixels);
    if (problem === null) {
      try {
        results.set(file.bytes, await decodeOne(file.bytes, opts));
      } catch (error) {
        results.set(file.bytes, (error as Error).message || 'the browser could not decode it');
      }
    }
    opts.onProgress?.(i + 1, candidates.length);
  }
  return (bytes, name) => {
    const hit = results.get(bytes);
    if (hit === undefined) throw new Error(`${name} was not decoded`);
    if (typeof hit === 'string') throw new Error(hit);
    return hit;
  };
}
