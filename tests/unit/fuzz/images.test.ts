import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/data/datasetError';
import { imageHeaderProblem } from '../../../src/data/imageHeader';
import { loadImageFolder } from '../../../src/data/imageFolder';
import { nodeImageDecoder } from '../../../src/data/nodeImageDecoder';
import { forgedPngHeader, grayPngBytes, jpegBytes, pngBytes } from '../../fixtures/data/makeData';
import { mutatedBytes } from './byteMutations';
import { FUZZ_CASES } from './fuzzBudget';
import { fuzz, MAX_MESSAGE_CHARS, runCase, split } from './fuzzHarness';

/** Largest width × height decoded in these cases (a 64 × 64 image). */
const MAX_PIXELS = 4096;
const paint = (x: number, y: number): [number, number, number, number] => [x * 40, y * 30, (x + y) * 20, 200 + x];
const PNGS = [grayPngBytes(4, 4, Array.from({ length: 16 }, (_, i) => i * 16)), pngBytes(5, 3, paint)];
const JPEGS = [jpegBytes(6, 6, paint), jpegBytes(9, 4, paint)];
const GOOD = PNGS[0];

/** Two classes: `a` holds the corrupted image, `b` a valid one; decoded to `shape` with the pixel cap. */
function folderCase(bytes: Uint8Array, shape: [number, number, number]): void {
  const files = [{ name: 'set/a/1.png', bytes }, { name: 'set/b/1.png', bytes: GOOD }];
  const outcome = runCase(() => loadImageFolder(files, shape, { decoder: nodeImageDecoder, maxPixels: MAX_PIXELS }), [DatasetError]);
  if (!outcome.ok) {
    expect(outcome.error.code).toBe('classes'); // class a lost its only image; the reason is in the message
    return;
  }
  const ds = outcome.value;
  expect(ds.labels.length).toBe(2);
  expect(ds.pixels.length).toBe(2 * shape[0] * shape[1] * shape[2]);
  expect(ds.skipped).toEqual([]);
}

/** The header check never throws, and a size over the cap is refused before decoding. */
function headerCase(bytes: Uint8Array): void {
  const problem = runCase(() => imageHeaderProblem(bytes, MAX_PIXELS), []);
  if (!problem.ok) return;
  if (problem.value === null) return;
  expect(problem.value.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  expect(problem.value).not.toMatch(/\n/);
}

/** `jpeg` with a copy of its frame header (SOF0) claiming width × height inserted after the original one. */
function withSecondFrame(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  let at = 2;
  while (jpeg[at + 1] !== 0xc0) at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
  const end = at + 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
  const frame = jpeg.slice(at, end);
  new DataView(frame.buffer).setUint16(5, height);
  new DataView(frame.buffer).setUint16(7, width);
  const out = new Uint8Array(jpeg.length + frame.length);
  out.set(jpeg.subarray(0, end));
  out.set(frame, end);
  out.set(jpeg.subarray(end), end + frame.length);
  return out;
}

/** `png` with a second IHDR chunk (valid CRC) claiming width × height right after the first. */
function withSecondIhdr(png: Uint8Array, width: number, height: number): Uint8Array {
  const ihdr = png.slice(8, 33);
  const view = new DataView(ihdr.buffer);
  view.setUint32(8, width);
  view.setUint32(12, height);
  view.setUint32(21, crc32(ihdr.subarray(4, 21)));
  const out = new Uint8Array(png.length + ihdr.length);
  out.set(png.subarray(0, 33));
  out.set(ihdr, 33);
  out.set(png.subarray(33), 33 + ihdr.length);
  return out;
}

const shape = fc.constantFrom<[number, number, number]>([1, 8, 8], [3, 5, 7]);

describe('fuzz: PNG and JPEG images through the image-folder loader', () => {
  it(`survives ${FUZZ_CASES.images} corrupted images (bit flips, truncation, forged sizes, zero bytes)`, () => {
    const [png, jpeg, header] = split(FUZZ_CASES.images, 3);
    const pngs = [...PNGS, withSecondIhdr(PNGS[0], 60, 60)];
    let runs = fuzz(fc.tuple(mutatedBytes(pngs), shape), png, ([bytes, s]) => folderCase(bytes, s));
    const jpegs = [...JPEGS, withSecondFrame(JPEGS[1], 60, 60)];
    runs += fuzz(fc.tuple(mutatedBytes(jpegs), shape), jpeg, ([bytes, s]) => folderCase(bytes, s));
    runs += fuzz(mutatedBytes([...pngs, ...jpegs, forgedPngHeader(64, 64)]), header, headerCase);
    expect(runs).toBe(FUZZ_CASES.images);
  });

  it('refuses a PNG header claiming 20000×20000, hidden 7000×7000 JPEG frames and PNG headers, and a zero-byte file before decoding', () => {
    const cases = [
      [forgedPngHeader(20_000, 20_000), /20000×20000 .*over the/],
      [withSecondFrame(JPEGS[0], 7_000, 7_000), /7000×7000 .*over the/],
      [withSecondIhdr(PNGS[1], 7_000, 7_000), /7000×7000 .*over the/],
      [new Uint8Array(0), /empty file/],
    ] as const;
    for (const [bytes, reason] of cases) {
      const outcome = runCase(() => loadImageFolder([{ name: 'a/big.png', bytes }, { name: 'a/ok.png', bytes: GOOD }, { name: 'b/1.png', bytes: GOOD }],
        [1, 8, 8], { decoder: nodeImageDecoder, maxPixels: MAX_PIXELS }), [DatasetError]);
      expect(outcome.ok && outcome.value.skipped.map((s) => s.reason).join()).toMatch(reason);
    }
  });
});
