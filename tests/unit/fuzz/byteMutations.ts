/**
 * fast-check arbitraries that corrupt valid bytes: bit flips, interesting byte and 32/64-bit word
 * values (forged lengths and counts, both endians), truncation, inserted, deleted and duplicated runs.
 * Positions favour the first 64 bytes, where headers live.
 */
import fc from 'fast-check';

/** One corruption of a byte array (never mutates its input). */
export type Mutation = (bytes: Uint8Array) => Uint8Array;

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x30, 0x2d];
const INTERESTING_WORDS = [0, 1, 2, 0x7f, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 20_000];

/** A position: usually in the header region, sometimes anywhere (taken modulo the length). */
const position = fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 63 }) }, { weight: 2, arbitrary: fc.nat() });

function copyWith(bytes: Uint8Array, edit: (copy: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  if (copy.length > 0) edit(copy);
  return copy;
}

const flipBit = fc.tuple(position, fc.nat({ max: 7 })).map(([at, bit]): Mutation =>
  (b) => copyWith(b, (c) => { c[at % c.length] ^= 1 << bit; }));

const setByte = fc.tuple(position, fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.nat({ max: 255 }))).map(
  ([at, value]): Mutation => (b) => copyWith(b, (c) => { c[at % c.length] = value; }));

const HUGE_WORDS = [2n ** 32n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

const setWord = fc.tuple(position, fc.constantFrom(...INTERESTING_WORDS, ...HUGE_WORDS), fc.boolean()).map(
  ([at, value, little]): Mutation => (b) => copyWith(b, (c) => {
    const size = typeof value === 'bigint' ? 8 : 4;
    if (c.length < size) return;
    const view = new DataView(c.buffer);
    const where = at % (c.length - size + 1);
    if (typeof value === 'bigint') view.setBigUint64(where, value, little);
    else view.setUint32(where, value, little);
  }));

const truncate = fc.nat().map((n): Mutation => (b) => b.slice(0, n % (b.length + 1)));

const insert = fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, run]): Mutation => (b) => {
  const where = at % (b.length + 1);
  const out = new Uint8Array(b.length + run.length);
  out.set(b.subarray(0, where));
  out.set(run, where);
  out.set(b.subarray(where), where + run.length);
  return out;
});

const remove = fc.tuple(position, fc.integer({ min: 1, max: 64 })).map(([at, count]): Mutation => (b) => {
  const where = at % (b.length + 1);
  const out = new Uint8Array(Math.max(0, b.length - count));
  out.set(b.subarray(0, where).subarray(0, out.length));
  if (where < out.length) out.set(b.subarray(where + count), where);
  return out;
});

const duplicate = fc.tuple(position, fc.integer({ min: 1, max: 256 })).map(([at, count]): Mutation => (b) => {
  const where = at % (b.length + 1);
  const run = b.subarray(where, where + count);
  const out = new Uint8Array(b.length + run.length);
  out.set(b.subarray(0, where + run.length));
  out.set(b.subarray(where), where + run.length);
  return out;
});

/** One random corruption. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: flipBit }, { weight: 3, arbitrary: setByte }, { weight: 3, arbitrary: setWord },
  { weight: 2, arbitrary: truncate }, { weight: 1, arbitrary: insert }, { weight: 1, arbitrary: remove },
  { weight: 1, arbitrary: duplicate },
);

/** 1..maxMutations corruptions applied in turn to one of `seeds`. */
export function mutatedBytes(seeds: readonly Uint8Array[], maxMutations = 4): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: maxMutations }))
    .map(([seed, steps]) => steps.reduce((bytes, step) => step(bytes), seed));
}
