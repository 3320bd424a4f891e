/**
 * A data URL of an uncompressed 24-bit BMP for a small uint8 image stored as [C, H, W] (1 or 3
 * channels). Encoding is a copy, well under a millisecond for a thumbnail: unlike a canvas's PNG
 * toDataURL it never makes a long main-thread task when a dataset's thumbnails appear at once.
 */

const FILE_HEADER = 14;
const INFO_HEADER = 40;

/** The BMP bytes: file header, BITMAPINFOHEADER, then rows bottom-up in BGR, each padded to 4 bytes. */
export function bmpBytes(pixels: Uint8Array, shape: [number, number, number]): Uint8Array {
  const [c, h, w] = shape;
  const stride = Math.ceil((w * 3) / 4) * 4;
  const offset = FILE_HEADER + INFO_HEADER;
  const bytes = new Uint8Array(offset + stride * h);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42; bytes[1] = 0x4d; // "BM"
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, INFO_HEADER, true);
  view.setInt32(18, w, true);
  view.setInt32(22, h, true); // positive height: rows stored bottom-up
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  const plane = h * w;
  for (let y = 0; y < h; y++) {
    const row = offset + (h - 1 - y) * stride;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const o = row + x * 3;
      bytes[o + 2] = pixels[i]; // R (or gray)
      bytes[o + 1] = c >= 3 ? pixels[plane + i] : pixels[i]; // G
      bytes[o] = c >= 3 ? pixels[2 * plane + i] : pixels[i]; // B
    }
  }
  return bytes;
}

/** `data:image/bmp;base64,...` of bmpBytes. */
export function bmpDataUrl(pixels: Uint8Array, shape: [number, number, number]): string {
  const bytes = bmpBytes(pixels, shape);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/bmp;base64,${btoa(binary)}`;
}
