import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, testEngine } from './workerTestFixtures';
import { pngBytes } from '../fixtures/data/makeData';

beforeAll(useCpuBackend);

/** README: the 3,000-file upload below is read in this many seconds (Node, this 2-core machine, under load). */
const UPLOAD_SECONDS = 2;

/** A valid PNG whose IHDR claims width × height (the pixel data stays tiny; only the header lies). */
function pngClaiming(width: number, height: number): Uint8Array {
  const bytes = pngBytes(4, 4, () => [0, 0, 0, 255]).slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width); // IHDR width, big-endian, after the 8-byte signature and the chunk's length and type
  view.setUint32(20, height);
  return bytes;
}

describe('engine: a large, messy upload', () => {
  it('takes 3,000 files (non-images, empty files, a 20,000 x 20,000 header, a one-image class), lists every skip with its reason', async () => {
    const engine = testEngine();
    await engine.api.init();
    await engine.api.loadDemoModel(BASE_URL);
    const files: { name: string; bytes: ArrayBuffer }[] = [];
    const image = (v: number) => pngBytes(8, 8, () => [v, v, v, 255]);
    for (let i = 0; i < 2928; i++) files.push({ name: `shop/${i % 2 ? 'Bag' : 'Coat'}/${i}.png`, bytes: image(i % 250).slice().buffer });
    for (let i = 0; i < 50; i++) files.push({ name: `shop/Bag/notes-${i}.txt`, bytes: new TextEncoder().encode(`note ${i}`).buffer as ArrayBuffer });
    for (let i = 0; i < 20; i++) files.push({ name: `shop/Coat/empty-${i}.png`, bytes: new ArrayBuffer(0) });
    files.push({ name: 'shop/Coat/huge.png', bytes: pngClaiming(20_000, 20_000).buffer as ArrayBuffer });
    files.push({ name: 'shop/Dress/only.png', bytes: image(128).slice().buffer });
    expect(files).toHaveLength(3000);
    const t0 = performance.now();
    const info = await engine.api.loadDataset(files, 'shop', { valFraction: 0.2 });
    const seconds = (performance.now() - t0) / 1000;
    expect(info.trainCounts.reduce((a, b) => a + b) + info.valCounts.reduce((a, b) => a + b)).toBe(2929);
    const reasons = new Map<string, number>();
    for (const s of info.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    expect(Object.fromEntries(reasons)).toEqual({
      'not a PNG or JPEG image': 50,
      'empty file (0 bytes)': 20,
      'image is 20000×20000 (400 MP), over the 50 MP limit': 1,
    });
    expect(info.warnings.some((w) => w.includes("'Dress' has only 1 image"))).toBe(true);
    console.info(`3,000-file upload: ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(UPLOAD_SECONDS); // the README figure; headers are checked before anything is decoded
  });
});
