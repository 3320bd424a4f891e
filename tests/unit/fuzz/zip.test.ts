import { zipSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unsafeZipPath, unzipFiles } from '../../../src/data/archive';
import { DatasetError } from '../../../src/data/datasetError';
import { isHiddenPath } from '../../../src/data/namedBytes';
import { grayPngBytes, noise } from '../../fixtures/data/makeData';
import { deflateBomb, zipWith } from './bombs';
import { mutatedBytes } from './byteMutations';
import { FUZZ_CASES } from './fuzzBudget';
import { fuzz, runCase, split } from './fuzzHarness';

/** Caps for these cases: 1 MiB expanded, 5,000 entries. */
const LIMITS = { maxBytes: 2 ** 20, maxEntries: 5_000 };
const png = grayPngBytes(3, 3, [0, 50, 100, 150, 200, 250, 30, 60, 90]);
const SEEDS = [
  zipSync({ 'data/a/1.png': png, 'data/b/1.png': png, 'data/b/notes.txt': new TextEncoder().encode('hello hello hello') }),
  zipSync({ 'x/a/1.bin': [noise(40, 3), { level: 0 }], 'x/b/': new Uint8Array(0), 'x/b/2.bin': new Uint8Array(300) }),
];

const TRAVERSAL = ['../evil.png', '/etc/passwd', 'C:\\Windows\\x.png', 'a/../../b.png', '..\\..\\x.png', 'a/b/../../../c'];

/** Every extracted file is within the caps, safely named, and no bigger than declared in total. */
function zipCase(bytes: Uint8Array): void {
  const outcome = runCase(() => unzipFiles(bytes, 'data.zip', LIMITS), [DatasetError]);
  if (!outcome.ok) return;
  const { files, skipped } = outcome.value;
  expect(files.length).toBeLessThanOrEqual(LIMITS.maxEntries);
  expect(files.reduce((s, f) => s + f.bytes.length, 0)).toBeLessThanOrEqual(LIMITS.maxBytes);
  for (const f of files) {
    expect(unsafeZipPath(f.name), f.name).toBeNull();
    expect(isHiddenPath(f.name), f.name).toBe(false);
  }
  for (const s of skipped) expect(s.reason.length).toBeGreaterThan(5);
}

/** Deflate streams of 64 KiB, 4 MiB and 64 MiB of zeros (0.4 KB to 420 KB each), built once. */
const BOMBS = new Map([2 ** 16, 2 ** 22, 2 ** 26].map((size) => [size, deflateBomb([], size)]));
/** 256 MiB of zeros in 1.6 MB of deflate. */
const BIG_BOMB = deflateBomb([], 2 ** 28);

/** Archives with a bomb (declared honestly or not), traversal names or many entries, plus a valid entry. */
const structured = fc.tuple(
  fc.constantFrom(...BOMBS.keys()),
  fc.constantFrom(0, 100, 2 ** 21),
  fc.constantFrom(...TRAVERSAL),
  fc.oneof({ weight: 19, arbitrary: fc.nat({ max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 3_000 }) }),
).map(([real, declared, evil, count]) => zipWith([
  { name: 'ok/a.bin', data: new Uint8Array([1, 2, 3]), method: 0, declaredSize: 3 },
  { name: 'bomb/zeros.png', data: BOMBS.get(real)!, method: 8, declaredSize: declared || real },
  { name: evil, data: new Uint8Array([4]), method: 0, declaredSize: 1 },
  ...Array.from({ length: count }, (_, i) => ({ name: `many/${i}.png`, data: new Uint8Array([i & 0xff]), method: 0 as const, declaredSize: 1 })),
]));

describe('fuzz: zip archives', () => {
  it(`survives ${FUZZ_CASES.zip} corrupted, truncated, bombed, traversing and crowded zips`, () => {
    const [corrupt, bombs] = split(FUZZ_CASES.zip, 2);
    let runs = fuzz(mutatedBytes(SEEDS), corrupt, zipCase);
    runs += fuzz(fc.oneof({ weight: 3, arbitrary: structured }, { weight: 1, arbitrary: structured.chain((b) => mutatedBytes([b], 2)) }), bombs, zipCase);
    expect(runs).toBe(FUZZ_CASES.zip);
  });

  it('refuses a zip bomb whose entry inflates past its declared size, quickly', () => {
    const lying = zipWith([{ name: 'a/1.png', data: BIG_BOMB, method: 8, declaredSize: 1000 }]);
    const outcome = runCase(() => unzipFiles(lying, 'bomb.zip', LIMITS), [DatasetError]);
    expect(outcome.ok ? 'accepted' : outcome.error.message).toMatch(/declares/);
    const honest = zipWith([{ name: 'a/1.png', data: BIG_BOMB, method: 8, declaredSize: 2 ** 28 }]);
    const capped = runCase(() => unzipFiles(honest, 'bomb.zip', LIMITS), [DatasetError]);
    expect(capped.ok ? 'accepted' : capped.error.code).toBe('too-large');
  });

  it('skips traversal names and reads thousands of entries', () => {
    const many = zipWith([
      ...TRAVERSAL.map((name) => ({ name, data: new Uint8Array([1]), method: 0 as const, declaredSize: 1 })),
      ...Array.from({ length: 4_000 }, (_, i) => ({ name: `c${i % 2}/${i}.png`, data: new Uint8Array([i & 0xff]), method: 0 as const, declaredSize: 1 })),
    ]);
    const outcome = runCase(() => unzipFiles(many, 'many.zip', LIMITS), [DatasetError]);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.files).toHaveLength(4_000);
    expect(outcome.value.skipped.map((s) => s.file)).toEqual(TRAVERSAL);
    const crowded = runCase(() => unzipFiles(many, 'many.zip', { ...LIMITS, maxEntries: 1_000 }), [DatasetError]);
    expect(crowded.ok ? 'accepted' : crowded.error.code).toBe('too-large');
  });
});
