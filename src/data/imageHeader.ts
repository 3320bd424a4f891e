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

/** Width and height from a PNG IHDR chunk, or null when the header is truncated or malformed. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24) return null;
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Width and height from the first JPEG frame header (SOFn), or null when none is found in bounds. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) { at += 1; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any frame
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2) return null;
    if (JPEG_SOF.has(marker)) {
      if (at + 9 > bytes.length) return null;
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    at += 2 + length;
  }
  return null;
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
    return `image is ${size.width}×${size.height} (${((size.width * size.height) / 1e6).toFixed(0)} MP), ` +
      `over the ${(maxPixels / 1e6).toFixed(0)} MP limit`;
  }
  return null;
}
