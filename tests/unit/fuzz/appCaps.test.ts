/**
 * The app's own caps, at their real values (the fuzz cases run with small test caps so that they stay
 * fast): files whose headers claim sizes just over each cap are refused before anything that size is
 * allocated or inflated, and sizes just under pass the check. Cheap: only headers lie.
 */
import { mkdtempSync, writeFileSync, openSync, closeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EXPANDED_BYTES, maybeGunzip, unzipFiles } from '../../../src/data/archive';
import { DatasetError } from '../../../src/data/datasetError';
import { DEFAULT_MAX_PIXELS, imageHeaderProblem } from '../../../src/data/imageHeader';
import { allocatePixels, MAX_PIXEL_BYTES } from '../../../src/data/pixelBuffer';
import { loadModelDir, MODEL_DIR_MAX_BYTES } from '../../../src/cli/modelDir';
import { CheckpointError } from '../../../src/io/checkpointError';
import { forgedPngHeader } from '../../fixtures/data/makeData';
import { deflateBomb, gzipWith, zipWith } from './bombs';
import { runCase } from './fuzzHarness';

const GiB = 1024 ** 3;

describe("the app's caps at their real values", () => {
  it('are the documented 2 GiB and 50 MP', () => {
    expect([DEFAULT_MAX_EXPANDED_BYTES, MAX_PIXEL_BYTES, MODEL_DIR_MAX_BYTES]).toEqual([2 * GiB, 2 * GiB, 2 * GiB]);
    expect(DEFAULT_MAX_PIXELS).toBe(50_000_000);
  });

  it('images: a header just over 50 MP is refused before decoding, one just under passes the check', () => {
    expect(imageHeaderProblem(forgedPngHeader(10_000, 5_001))).toMatch(/10000×5001 \(50\.01 MP\), over the 50 MP limit/);
    expect(imageHeaderProblem(forgedPngHeader(10_000, 5_000))).toBeNull();
  });

  it('gzip: a trailer claiming 2 GiB + 1 byte is refused without inflating; the default cap applies', () => {
    const bomb = gzipWith(deflateBomb([], 1000), 2 * GiB + 1);
    const outcome = runCase(() => maybeGunzip(bomb, 'images.gz'), [DatasetError]);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/expands to 2147483649 bytes, over the 2147483648-byte limit/);
  });

  it('zip: declared sizes that sum to just over 2 GiB are refused before any entry is inflated', () => {
    const data = deflateBomb([], 1000);
    const half = GiB + 1;
    const bomb = zipWith([
      { name: 'a/1.png', data, method: 8, declaredSize: half },
      { name: 'b/2.png', data, method: 8, declaredSize: half - 1 },
    ]);
    const outcome = runCase(() => unzipFiles(bomb, 'upload.zip'), [DatasetError]);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toMatch(/expands to more than 2147483648 bytes/);
  });

  it('pixels: a dataset buffer just over 2 GiB is refused, not allocated', () => {
    // 2 GiB / (3 × 224 × 224) = 14,266.6 images: 14,267 are over the cap.
    expect(() => allocatePixels(14_267, [3, 224, 224], 'upload')).toThrow(/over the 2\.0 GiB limit/);
  });

  it('model folders: more than 2 GiB of weights (a sparse file) are refused before reading', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtp-cap-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    const fd = openSync(join(dir, 'model.safetensors'), 'w');
    ftruncateSync(fd, 2 * GiB + 1); // sparse: no disk space, no reading
    closeSync(fd);
    await expect(loadModelDir(dir)).rejects.toThrow(CheckpointError);
    await expect(loadModelDir(dir)).rejects.toThrow(/more than 2048 MiB of model files; the cap is 2048 MiB/);
  });
});
