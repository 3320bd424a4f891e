import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/io/checkpointError';
import { readSafetensors, writeSafetensors, type SafetensorsFile } from '../../../src/io/safetensors';
import { sizeOf, type HostTensors } from '../../../src/model/hostTensor';
import { u8Safetensors } from '../../fixtures/data/makeData';
import { mutatedBytes } from './byteMutations';
import { FUZZ_CASES } from './fuzzBudget';
import { fuzz, runCase, split } from './fuzzHarness';
import { mutatedJson, RawJson } from './jsonMutations';
import { assemble, parts } from './safetensorsParts';

const F32_SEED: HostTensors = new Map([
  ['a.weight', { shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) }],
  ['a.bias', { shape: [3], data: new Float32Array([1, -2, 3]) }],
  ['scalar', { shape: [], data: new Float32Array([42]) }],
  ['empty', { shape: [0, 5], data: new Float32Array(0) }],
]);

const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed) & 0xff);

/** One tensor per readable dtype, plus two the reader must refuse (F8, F4). */
const MIXED_SEED = u8Safetensors([
  { name: 'f16', dtype: 'F16', shape: [2, 3], data: bytesOf(12, 1) },
  { name: 'bf16', dtype: 'BF16', shape: [4], data: bytesOf(8, 2) },
  { name: 'u8', dtype: 'U8', shape: [5], data: bytesOf(5, 3) },
  { name: 'i64', dtype: 'I64', shape: [2], data: bytesOf(16, 4) },
  { name: 'f64', dtype: 'F64', shape: [1], data: bytesOf(8, 5) },
  { name: 'bool', dtype: 'BOOL', shape: [3], data: bytesOf(3, 6) },
  { name: 'i32', dtype: 'I32', shape: [1, 1], data: bytesOf(4, 7) },
], { format: 'pt', note: 'seed' });

const EXOTIC_SEED = u8Safetensors([
  { name: 'f8', dtype: 'F8_E4M3', shape: [4], data: bytesOf(4, 8) },
  { name: 'f4', dtype: 'F4', shape: [2, 2], data: bytesOf(2, 9) },
]);

const SEEDS = [writeSafetensors(F32_SEED, { format: 'pt' }), MIXED_SEED, EXOTIC_SEED];

/** A decoded file must be self-consistent and no larger than float32 of one element per input byte. */
function expectValidFile(file: SafetensorsFile, input: Uint8Array): void {
  let bytes = 0;
  for (const [name, t] of file.tensors) {
    expect(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0), name).toBe(true);
    expect(t.data.length, name).toBe(sizeOf(t.shape));
    bytes += t.data.byteLength;
  }
  expect(bytes).toBeLessThanOrEqual(4 * input.length);
  for (const value of Object.values(file.metadata)) expect(typeof value).toBe('string');
}

function readCase(bytes: Uint8Array): void {
  const outcome = runCase(() => readSafetensors(bytes, 'model.safetensors'), [CheckpointError]);
  if (outcome.ok) expectValidFile(outcome.value, bytes);
}

type Entry = { data_offsets: unknown };
type OffsetEdit = (header: Record<string, unknown>) => void;

/** Offset edits that need two entries: overlap, same range, reversed, shifted, past the end. */
const offsetEdit: fc.Arbitrary<OffsetEdit> = fc.tuple(
  fc.nat(), fc.nat(), fc.constantFrom('copy', 'reverse', 'shift', 'overlap', 'past-end'), fc.integer({ min: -9, max: 9 }),
).map(([i, j, kind, delta]) => (header) => {
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  if (names.length === 0) return;
  const a = header[names[i % names.length]] as Entry;
  const b = header[names[j % names.length]] as Entry;
  const [begin, end] = a.data_offsets as number[];
  const [otherBegin, otherEnd] = b.data_offsets as number[];
  if (kind === 'copy') a.data_offsets = [otherBegin, otherEnd];
  else if (kind === 'reverse') a.data_offsets = [end, begin];
  else if (kind === 'shift') a.data_offsets = [begin + delta, end + delta];
  else if (kind === 'overlap') a.data_offsets = [otherBegin + Math.abs(delta), otherEnd + Math.abs(delta)];
  else a.data_offsets = [begin, end + 2 ** 20 + delta];
});

const NON_FINITE = [new Float32Array([NaN]), new Float32Array([Infinity]), new Float32Array([-Infinity])];

/** Data-section edits: none, truncate or extend, or a NaN/Inf float32 written somewhere. */
const dataEdit = fc.oneof(
  fc.constant((d: Uint8Array) => d),
  fc.integer({ min: -16, max: 16 }).map((k) => (d: Uint8Array) => {
    const out = new Uint8Array(Math.max(0, d.length + k));
    out.set(d.subarray(0, out.length));
    return out;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...NON_FINITE)).map(([at, v]) => (d: Uint8Array) => {
    const out = d.slice();
    if (out.length >= 4) out.set(new Uint8Array(v.buffer), 4 * (at % Math.floor(out.length / 4)));
    return out;
  }),
);

/** Optional keys the seeds lack, including a 10,000-character tensor name. */
const EXTRA_PATHS = [
  ['__metadata__'], ['__metadata__', 'x'], ['new_tensor'], ['a.weight', 'extra'], ['u8', 'dtype'], ['n'.repeat(10_000)],
];

const structured = fc.tuple(
  mutatedJson(SEEDS.map((s) => parts(s).header), EXTRA_PATHS, 3),
  fc.array(offsetEdit, { maxLength: 2 }),
  fc.constantFrom(...SEEDS.map((s) => parts(s).data)),
  dataEdit,
  fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: 8 }) }),
).map(([header, edits, data, editData, lengthDelta]) => {
  if (typeof header === 'object' && header !== null && !(header instanceof RawJson)) {
    for (const e of edits) {
      try { e(header as Record<string, unknown>); } catch { /* the JSON edits removed what this edit needs */ }
    }
  }
  return assemble(header, editData(data), lengthDelta);
});

describe('fuzz: safetensors reader', () => {
  it(`survives ${FUZZ_CASES.safetensorsBytes} byte-level corruptions of valid files`, () => {
    expect(fuzz(mutatedBytes(SEEDS), FUZZ_CASES.safetensorsBytes, readCase)).toBe(FUZZ_CASES.safetensorsBytes);
  });

  it(`survives ${FUZZ_CASES.safetensorsHeader} header-level corruptions (offsets, overlaps, dtypes, shapes, nesting, size)`, () => {
    const [raw, bytes] = split(FUZZ_CASES.safetensorsHeader, 2);
    let runs = fuzz(structured, raw, readCase);
    runs += fuzz(structured.chain((b) => mutatedBytes([b], 2)), bytes, readCase);
    expect(runs).toBe(FUZZ_CASES.safetensorsHeader);
  });

  it('refuses forged header lengths and headers over the cap without allocating from them', () => {
    const seed = SEEDS[0];
    for (const claimed of [2n ** 64n - 1n, 2n ** 53n, 2n ** 32n, BigInt(seed.length)]) {
      const forged = seed.slice();
      new DataView(forged.buffer).setBigUint64(0, claimed, true);
      const outcome = runCase(() => readSafetensors(forged), [CheckpointError]);
      expect(outcome.ok).toBe(false);
    }
    const huge = assemble({ x: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, pad: 'y'.repeat(3_000_000) }, new Uint8Array(1));
    const capped = runCase(() => readSafetensors(huge, 'big.safetensors', { maxHeaderBytes: 1_000_000 }), [CheckpointError]);
    expect(capped.ok ? 'accepted' : capped.error.message).toMatch(/limit/);
  });
});
