import { gzipSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/data/datasetError';
import { loadIdxDataset, parseIdx } from '../../../src/data/idxDataset';
import { idxBytes } from '../../fixtures/data/makeData';
import { mutatedBytes } from './byteMutations';
import { FUZZ_CASES } from './fuzzBudget';
import { fuzz, runCase, split } from './fuzzHarness';
import { deflateBomb, gzipWith } from './bombs';

/** Cap on one file's gunzipped size in these cases (64 KiB). */
const MAX_BYTES = 64 * 1024;
const IMAGES = idxBytes([3, 4, 5], Array.from({ length: 60 }, (_, i) => (i * 41) & 0xff));
const LABELS = idxBytes([3], [0, 2, 1]);
const SEEDS = [IMAGES, LABELS, idxBytes([2, 7], new Array(14).fill(9))];
/** 400,000 Fashion-MNIST-sized images of zeros (314 MB) in 2 MB of gzip whose trailer claims 1,000 bytes. */
const IDX_BOMB = gzipWith(deflateBomb(idxBytes([400_000, 28, 28], []), 400_000 * 784), 1000);

function parseCase(bytes: Uint8Array): void {
  const outcome = runCase(() => parseIdx(bytes, 'train-images-idx3-ubyte', MAX_BYTES), [DatasetError]);
  if (!outcome.ok) return;
  const { dims, data } = outcome.value;
  expect(dims.reduce((a, b) => a * b, 1)).toBe(data.length);
  expect(data.length).toBeLessThanOrEqual(MAX_BYTES);
}

/** A whole split (images + labels, one of them corrupted) resized to 1×8×8. */
function datasetCase([images, labels]: [Uint8Array, Uint8Array]): void {
  const files = [{ name: 'train-images-idx3-ubyte.gz', bytes: images }, { name: 'train-labels-idx1-ubyte.gz', bytes: labels }];
  const outcome = runCase(() => loadIdxDataset(files, [1, 8, 8], { maxBytes: MAX_BYTES }), [DatasetError]);
  if (!outcome.ok) return;
  const ds = outcome.value;
  expect(ds.pixels.length).toBe(ds.labels.length * 64);
  expect(ds.labels.every((l) => l >= 0 && l < ds.classNames.length)).toBe(true);
}

const gzipped = (arb: fc.Arbitrary<Uint8Array>) => arb.map((b) => gzipSync(b));

describe('fuzz: IDX reader', () => {
  it(`survives ${FUZZ_CASES.idx} corrupted IDX files, plain and gzipped`, () => {
    const [plain, gzipThenCorrupt, corruptThenGzip, pairs] = split(FUZZ_CASES.idx, 4);
    let runs = fuzz(mutatedBytes(SEEDS), plain, parseCase);
    runs += fuzz(mutatedBytes(SEEDS.map((s) => gzipSync(s))), gzipThenCorrupt, parseCase);
    runs += fuzz(gzipped(mutatedBytes(SEEDS)), corruptThenGzip, parseCase);
    const pair = fc.oneof(
      mutatedBytes([IMAGES]).map((b): [Uint8Array, Uint8Array] => [b, LABELS]),
      gzipped(mutatedBytes([LABELS])).map((b): [Uint8Array, Uint8Array] => [gzipSync(IMAGES), b]),
    );
    runs += fuzz(pair, pairs, datasetCase);
    expect(runs).toBe(FUZZ_CASES.idx);
  });

  it('refuses dims that overflow, counts that disagree, truncation and a lying gzip size', () => {
    const overflow = idxBytes([0xffffffff, 0xffffffff, 0xffffffff], []);
    const mismatch = [idxBytes([3, 4, 5], new Array(60).fill(1)), idxBytes([4], [0, 1, 2, 0])];
    const cases: [Uint8Array, Uint8Array, RegExp][] = [
      [overflow, LABELS, /truncated or corrupt/],
      [mismatch[0], mismatch[1], /3 images but .* 4 labels/],
      [IMAGES.subarray(0, 30), LABELS, /truncated/],
      [IDX_BOMB, LABELS, /declares/],
    ];
    for (const [images, labels, message] of cases) {
      const files = [{ name: 'train-images-idx3-ubyte', bytes: images }, { name: 'train-labels-idx1-ubyte', bytes: labels }];
      const outcome = runCase(() => loadIdxDataset(files, [1, 8, 8], { maxBytes: MAX_BYTES }), [DatasetError]);
      expect(outcome.ok ? 'accepted' : outcome.error.message).toMatch(message);
    }
  });
});
