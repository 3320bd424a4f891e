import { describe, expect, it } from 'vitest';
import { bmpBytes, bmpDataUrl } from '../../src/ui/common/bmpDataUrl';

/** The [r, g, b] of pixel (x, y) read back from BMP bytes (24-bit, bottom-up, rows padded to 4). */
function pixelAt(bmp: Uint8Array, x: number, y: number): number[] {
  const view = new DataView(bmp.buffer);
  const offset = view.getUint32(10, true);
  const w = view.getInt32(18, true);
  const h = view.getInt32(22, true);
  const stride = Math.ceil((w * 3) / 4) * 4;
  const o = offset + (h - 1 - y) * stride + x * 3;
  return [bmp[o + 2], bmp[o + 1], bmp[o]];
}

describe('thumbnail BMP encoding', () => {
  it('writes a valid 24-bit header and every pixel of a gray and an RGB image (odd width: row padding)', () => {
    const [h, w] = [3, 5];
    const gray = Uint8Array.from({ length: h * w }, (_, i) => i * 10);
    const g = bmpBytes(gray, [1, h, w]);
    const view = new DataView(g.buffer);
    expect(String.fromCharCode(g[0], g[1])).toBe('BM');
    expect(view.getUint32(2, true)).toBe(g.length);
    expect([view.getInt32(18, true), view.getInt32(22, true), view.getUint16(28, true)]).toEqual([w, h, 24]);
    expect(g.length).toBe(54 + 16 * h); // 5 px * 3 bytes = 15, padded to 16
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) expect(pixelAt(g, x, y)).toEqual(Array(3).fill(gray[y * w + x]));
    const rgb = Uint8Array.from({ length: 3 * h * w }, (_, i) => (i * 7) % 256); // [3, H, W] planes
    const c = bmpBytes(rgb, [3, h, w]);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x;
      expect(pixelAt(c, x, y)).toEqual([rgb[i], rgb[h * w + i], rgb[2 * h * w + i]]);
    }
    expect(bmpDataUrl(gray, [1, h, w])).toBe(`data:image/bmp;base64,${Buffer.from(g).toString('base64')}`);
  });
});
