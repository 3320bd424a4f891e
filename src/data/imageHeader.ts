/** Format sniffing and header-only size reading, so absurd images are refused before decoding. */

/** Image container formats recognised by their magic bytes. */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'tiff';

/** Default cap on width × height accepted before decoding (50 megapixels). */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** The format of `bytes` by magic number, or null when it is not a known image format. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  const starts = (...sig: number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x42, 0x4d)) return 'bmp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  const riff = starts(0x52, 0x49, 0x46, 0x46) && bytes.length >= 12;
  if (riff && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'webp';
  return null;
}

/**
 * Width and height of the largest IHDR chunk, walking every chunk (pngjs honours a later IHDR too, so a
 * small first one must not hide a huge second one); null when the first chunk is not a readable IHDR.
 */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || chunkType(bytes, 8) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let best = { width: view.getUint32(16), height: view.getUint32(20) };
  for (let at = 8; at + 16 <= bytes.length; at += 12 + view.getUint32(at)) {
    const type = chunkType(bytes, at);
    if (type === 'IEND') break;
    const size = { width: view.getUint32(at + 8), height: view.getUint32(at + 12) };
    if (type === 'IHDR' && size.width * size.height > best.width * best.height) best = size;
  }
  return best;
}

/** The 4-letter type of the PNG chunk starting at `at`. */
function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at + 4, at + 8));
}

const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Width and height of the largest JPEG frame header (SOFn) in the file, following every marker segment
 * and skipping entropy-coded data, so that a small first frame cannot hide a huge later one; null when
 * there is none or the marker structure breaks (the decoder would not get further either).
 */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let best: { width: number; height: number } | null = null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) { at += 1; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; }
    if (marker === 0xd9) break; // end of image
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2) return null;
    if (JPEG_SOF.has(marker)) {
      if (at + 9 > bytes.length) return null;
      const size = { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
      if (!best || size.width * size.height > best.width * best.height) best = size;
    }
    at += 2 + length;
    if (marker === 0xda) at = nextMarker(bytes, at);
  }
  return best;
}

/** Offset of the first marker after entropy-coded data (0xFF followed by neither 0x00 stuffing nor a restart marker). */
function nextMarker(bytes: Uint8Array, at: number): number {
  for (; at + 1 < bytes.length; at++) {
    const next = bytes[at + 1];
    if (bytes[at] === 0xff && next !== 0 && !(next >= 0xd0 && next <= 0xd7)) return at;
  }
  return bytes.length;
}

/**
 * Why an image file cannot be used, judged from its bytes and header only, or null when it may be
 * decoded: empty, not an image, unsupported format, unreadable header, zero or oversized dimensions.
 */
export function imageHeaderProblem(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): string | null {
  if (bytes.length === 0) return 'empty file (0 bytes)';
  const format = sniffImageFormat(bytes);
  if (format === null) return 'not a PNG or JPEG image';
  if (format !== 'png' && format !== 'jpeg') return `${format.toUpperCase()} images are not supported; convert to PNG or JPEG`;
  const size = format === 'png' ? pngSize(bytes) : jpegSize(bytes);
  if (size === null) return `unreadable ${format.toUpperCase()} header (truncated or corrupt)`;
  if (size.width === 0 || size.height === 0) return `image has zero size (${size.width}×${size.height})`;
  if (size.width * size.height > maxPixels) {
    const mp = (pixels: number) => String(Number((pixels / 1e6).toPrecision(6))); // 50010000 -> "50.01", never "50" for it
    return `image is ${size.width}×${size.height} (${mp(size.width * size.height)} MP), over the ${mp(maxPixels)} MP limit`;
  }
  return null;
}
