/**
 * NODE-ONLY (CLI and tests): PNG and JPEG decoding with the pure-JS pngjs and jpeg-js packages.
 * The browser passes its own decoder (createImageBitmap / OffscreenCanvas) to the same loaders.
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { DatasetError, errorMessage } from './datasetError';
import { DEFAULT_MAX_PIXELS, sniffImageFormat } from './imageHeader';
import type { ImageDecoder } from './imageFolder';
import type { DecodedImage } from './resizeImage';

/** Runs a third-party decoder; its crashes on malformed data (TypeError, RangeError) become one readable DatasetError. */
function guarded(format: string, name: string, decode: () => DecodedImage): DecodedImage {
  try {
    return decode();
  } catch (error) {
    const crash = error instanceof TypeError || error instanceof RangeError;
    throw new DatasetError('format', `corrupt ${format} data (${crash ? 'the decoder failed on malformed bytes' : errorMessage(error)})`, name);
  }
}

/** Decodes PNG (any bit depth, scaled to 8-bit RGBA) or baseline/progressive JPEG (RGBA); throws on anything else. */
export const nodeImageDecoder: ImageDecoder = (bytes: Uint8Array, name: string): DecodedImage => {
  const format = sniffImageFormat(bytes);
  if (format === 'png') {
    return guarded('PNG', name, () => {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const data = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
      return { width: png.width, height: png.height, channels: 4, data };
    });
  }
  if (format === 'jpeg') {
    return guarded('JPEG', name, () => {
      const img = jpeg.decode(bytes, {
        useTArray: true, formatAsRGBA: true, maxResolutionInMP: DEFAULT_MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024,
      });
      return { width: img.width, height: img.height, channels: 4, data: img.data };
    });
  }
  throw new Error(`${name} is not a PNG or JPEG image`);
};
