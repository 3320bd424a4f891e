import { describe, expect, it } from 'vitest';
import { CheckpointError, type CheckpointErrorCode } from '../../src/io/checkpointError';
import { decodeBF16, decodeF16, f16BitsToNumber } from '../../src/io/halfFloat';
import {
  assertNotPickle, isPickleFile, readSafetensors, readSafetensorsHeader, writeSafetensors,
} from '../../src/io/safetensors';
import type { HostTensors } from '../../src/model/hostTensor';

/** Builds raw safetensors bytes from a header (object or literal JSON text) and a data section. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function u16Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(2 * i, v, true));
  return out;
}

/** Asserts that `fn` throws a CheckpointError with `code` whose message contains every `parts`. */
function expectError(fn: () => unknown, code: CheckpointErrorCode, ...parts: string[]): CheckpointError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  const error = caught as CheckpointError;
  expect(error.code, error.message).toBe(code);
  for (const part of parts) expect(error.message).toContain(part);
  return error;
}

const F = 'bad.safetensors';
const entry = (dtype: string, shape: number[], begin: number, end: number) =>
  ({ dtype, shape, data_offsets: [begin, end] });

describe('writeSafetensors / readSafetensors', () => {
  it('round-trips tensors, scalars, empty tensors and metadata', () => {
    const tensors: HostTensors = new Map([
      ['z.weight', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, -0, 1e-30]) }],
      ['a.bias', { shape: [3], data: new Float32Array([Infinity, -Infinity, NaN]) }],
      ['scalar', { shape: [], data: new Float32Array([42]) }],
      ['empty', { shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = writeSafetensors(tensors, { format: 'pt', note: 'ü' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const { tensors: back, metadata } = readSafetensors(bytes, 'rt.safetensors');
    expect(metadata).toEqual({ format: 'pt', note: 'ü' });
    expect([...back.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      expect(back.get(name)!.shape).toEqual(t.shape);
      expect(Array.from(back.get(name)!.data)).toEqual(Array.from(t.data));
    }
    expect(Object.is(back.get('z.weight')!.data[4], -0)).toBe(true);
  });

  it('is deterministic, sorts keys and lays tensors out contiguously', () => {
    const a: HostTensors = new Map([
      ['b', { shape: [1], data: new Float32Array([2]) }],
      ['a', { shape: [2], data: new Float32Array([0, 1]) }],
    ]);
    const b: HostTensors = new Map([...a].reverse());
    const bytes = writeSafetensors(a);
    expect(writeSafetensors(b)).toEqual(bytes);
    const header = readSafetensorsHeader(bytes);
    expect(header.entries.map((e) => [e.name, e.begin, e.end])).toEqual([['a', 0, 8], ['b', 8, 12]]);
    expect(header.dataStart % 8).toBe(0);
    expect(header.metadata).toEqual({});
  });

  it('writes an empty file that reads back', () => {
    const bytes = writeSafetensors(new Map());
    expect(readSafetensors(bytes).tensors.size).toBe(0);
  });

  it('refuses shapes that do not match the data and the reserved name', () => {
    expectError(() => writeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]])), 'shape', 'w');
    expectError(() => writeSafetensors(new Map([['__metadata__', { shape: [1], data: new Float32Array(1) }]])),
      'header', '__metadata__');
  });

  it('reads F32 at unaligned offsets and from a subarray view', () => {
    // 1 U8 value first pushes the F32 tensor to an odd data offset.
    const data = new Uint8Array([7, ...f32Bytes([1.5, -2.25, 3])]);
    const raw = build({ u: entry('U8', [1], 0, 1), f: entry('F32', [3], 1, 13) }, data);
    const padded = new Uint8Array(raw.length + 3);
    padded.set(raw, 3);
    const { tensors } = readSafetensors(padded.subarray(3));
    expect(Array.from(tensors.get('f')!.data)).toEqual([1.5, -2.25, 3]);
    expect(Array.from(tensors.get('u')!.data)).toEqual([7]);
  });

  it('reads F32 from a Node Buffer that is a view into a larger buffer (Buffer.slice returns a view, not a copy)', () => {
    const raw = writeSafetensors(new Map([['f', { shape: [3], data: Float32Array.from([1.5, -2.25, 3]) }]]));
    const pool = Buffer.alloc(raw.length + 64, 0xff);
    pool.set(raw, 40);
    const { tensors } = readSafetensors(pool.subarray(40, 40 + raw.length));
    expect(Array.from(tensors.get('f')!.data)).toEqual([1.5, -2.25, 3]);
  });

  it('reads F16 and BF16 tensors at odd offsets', () => {
    const data = new Uint8Array([1, ...u16Bytes([0x3c00, 0xc000]), ...u16Bytes([0x3f80, 0xc049])]);
    const raw = build({
      pad: entry('BOOL', [1], 0, 1), h: entry('F16', [2], 1, 5), b: entry('BF16', [2], 5, 9),
    }, data);
    const { tensors } = readSafetensors(raw);
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, -3.140625]);
  });

  it('converts F64, integer and bool dtypes', () => {
    const data = new Uint8Array(8 + 8 + 4 + 2);
    const view = new DataView(data.buffer);
    view.setFloat64(0, 0.5, true);
    view.setBigInt64(8, -5n, true);
    view.setInt32(16, -70000, true);
    view.setInt16(20, -3, true);
    const raw = build({
      d: entry('F64', [1], 0, 8), l: entry('I64', [1], 8, 16), i: entry('I32', [1], 16, 20), s: entry('I16', [], 20, 22),
    }, data);
    const { tensors } = readSafetensors(raw);
    expect([...'dlis'].map((k) => tensors.get(k)!.data[0])).toEqual([0.5, -5, -70000, -3]);
    expect(tensors.get('s')!.shape).toEqual([]);
  });

  it('refuses valid but unreadable dtypes by name', () => {
    const raw = build({ e: entry('F8_E4M3', [2], 0, 2) }, new Uint8Array(2));
    expect(readSafetensorsHeader(raw).entries[0].dtype).toBe('F8_E4M3');
    expectError(() => readSafetensors(raw, F), 'dtype', F, '"e"', 'F8_E4M3');
  });
});

describe('halfFloat', () => {
  it('decodes F16 bit patterns exactly', () => {
    const cases: [number, number][] = [
      [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 5.960464477539063e-8],
      [0x03ff, 6.097555160522461e-5], [0x0400, 6.103515625e-5], [0x3555, 0.333251953125],
      [0x7c00, Infinity], [0xfc00, -Infinity], [0x0000, 0],
    ];
    const decoded = decodeF16(u16Bytes(cases.map((c) => c[0])), 0, cases.length);
    expect(Array.from(decoded)).toEqual(cases.map((c) => c[1]));
    expect(Object.is(f16BitsToNumber(0x8000), -0)).toBe(true);
    expect(Object.is(decodeF16(u16Bytes([0x8000]), 0, 1)[0], -0)).toBe(true);
    expect(decodeF16(u16Bytes([0x7e00, 0xfc01]), 0, 2).every(Number.isNaN)).toBe(true);
  });

  it('decodes BF16 bit patterns exactly', () => {
    const cases: [number, number][] = [
      [0x3f80, 1], [0xc000, -2], [0x4049, 3.140625], [0x7f7f, 3.3895313892515355e38],
      [0x0001, 9.183549615799121e-41], [0x7f80, Infinity], [0xff80, -Infinity],
    ];
    const decoded = decodeBF16(u16Bytes(cases.map((c) => c[0])), 0, cases.length);
    expect(Array.from(decoded)).toEqual(cases.map((c) => c[1]));
    expect(Object.is(decodeBF16(u16Bytes([0x8000]), 0, 1)[0], -0)).toBe(true);
    expect(Number.isNaN(decodeBF16(u16Bytes([0x7fc0]), 0, 1)[0])).toBe(true);
  });

  it('refuses spans outside the buffer', () => {
    expect(() => decodeF16(new Uint8Array(3), 0, 2)).toThrow(RangeError);
    expect(() => decodeBF16(new Uint8Array(4), 1, 2)).toThrow(RangeError);
  });
});

describe('pickle detection', () => {
  it('detects zip archives and raw pickles, not safetensors', () => {
    expect(isPickleFile(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 8, 0]))).toBe(true);
    expect(isPickleFile(new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9]))).toBe(true);
    expect(isPickleFile(new Uint8Array([0x80, 0x05, 0x95]))).toBe(true);
    expect(isPickleFile(new Uint8Array([0x80, 0x01]))).toBe(false);
    expect(isPickleFile(writeSafetensors(new Map()))).toBe(false);
    // A genuine 640-byte header starts with 0x80 0x02 but is safetensors.
    const header = `{"__metadata__":{"k":"${'x'.repeat(640 - 25)}"}}`;
    expect(header.length).toBe(640);
    const tricky = build(header);
    expect(isPickleFile(tricky)).toBe(false);
    expect(readSafetensors(tricky).metadata.k.length).toBe(615);
  });

  it('refuses pickles with conversion advice', () => {
    const pth = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 8, 0, 0, 0]);
    const err = expectError(() => readSafetensors(pth, 'vit.pth'), 'pickle', 'vit.pth', 'never unpickles',
      "torch.load('vit.pth', weights_only=True)", 'save_file');
    expect(err.file).toBe('vit.pth');
    expectError(() => assertNotPickle(new Uint8Array([0x80, 0x04, 0x95, 0, 0]), 'x.bin'), 'pickle', 'x.bin');
  });
});

describe('readSafetensors rejects malformed files', () => {
  const ok = f32Bytes([1, 2]);

  it('file shorter than 8 bytes', () => {
    expectError(() => readSafetensors(new Uint8Array(5), F), 'header', F, '5 bytes');
  });

  it('header length 0', () => {
    expectError(() => readSafetensors(new Uint8Array(16), F), 'header', F, 'length is 0');
  });

  it('header length past the end of the file', () => {
    expectError(() => readSafetensors(build('{}', new Uint8Array(0), 3n), F), 'header', F, 'truncated');
  });

  it('a 16-byte file claiming a 2^62-byte (or 2^64-1) header fails fast', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 62n, true);
    expectError(() => readSafetensors(bytes, F), 'header', F, String(2n ** 62n));
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expectError(() => readSafetensors(bytes, F), 'header', F);
  });

  it('header larger than maxHeaderBytes', () => {
    const raw = build({ a: entry('F32', [2], 0, 8) }, ok);
    expect(readSafetensors(raw, F).tensors.size).toBe(1);
    expectError(() => readSafetensors(raw, F, { maxHeaderBytes: 16 }), 'header', F, '16-byte limit');
  });

  it('header not UTF-8', () => {
    const raw = build('{"a":1}');
    raw[10] = 0xff;
    expectError(() => readSafetensors(raw, F), 'header', F, 'UTF-8');
  });

  it('header not JSON', () => {
    expectError(() => readSafetensors(build('{"a": '), F), 'header', F, 'not valid JSON');
  });

  it('header not an object', () => {
    expectError(() => readSafetensors(build('[1,2]'), F), 'header', F, 'not an object');
    expectError(() => readSafetensors(build('null'), F), 'header', F, 'not an object');
  });

  it('entry not an object', () => {
    expectError(() => readSafetensors(build({ w: [1] }), F), 'header', F, '"w"', 'must be an object');
  });

  it('entry with a missing field', () => {
    expectError(() => readSafetensors(build({ w: { dtype: 'F32', shape: [2] } }, ok), F),
      'header', F, '"w"', 'missing field "data_offsets"');
  });

  it('entry with an extra field', () => {
    expectError(() => readSafetensors(build({ w: { ...entry('F32', [2], 0, 8), extra: 1 } }, ok), F),
      'header', F, '"w"', 'unexpected field "extra"');
  });

  it('dtype not a string', () => {
    expectError(() => readSafetensors(build({ w: entry(32 as unknown as string, [2], 0, 8) }, ok), F),
      'header', F, '"w"', 'dtype');
  });

  it('unknown dtype', () => {
    expectError(() => readSafetensors(build({ w: entry('F33', [2], 0, 8) }, ok), F), 'dtype', F, '"w"', 'F33');
    expectError(() => readSafetensors(build({ w: entry('constructor', [2], 0, 8) }, ok), F), 'dtype', F, '"w"');
  });

  it('shape not an array of non-negative safe integers', () => {
    for (const shape of [[-1], [1.5], ['2'], [2 ** 53], 7, [null]]) {
      expectError(() => readSafetensors(build({ w: { dtype: 'F32', shape, data_offsets: [0, 8] } }, ok), F),
        'shape', F, '"w"');
    }
  });

  it('data_offsets malformed or reversed', () => {
    for (const offsets of [[0], [0, 8, 9], [-1, 8], [0, 8.5], [8, 0], '0,8', [0, 2 ** 60]]) {
      expectError(() => readSafetensors(build({ w: { dtype: 'F32', shape: [2], data_offsets: offsets } }, ok), F),
        'offsets', F, '"w"');
    }
  });

  it('data_offsets end beyond the data section', () => {
    expectError(() => readSafetensors(build({ w: entry('F32', [4], 0, 16) }, ok), F), 'offsets', F, '"w"', 'truncated');
  });

  it('element count × dtype size differs from the byte span', () => {
    expectError(() => readSafetensors(build({ w: entry('F32', [3], 0, 8) }, ok), F), 'shape', F, '"w"', '[3]');
    expectError(() => readSafetensors(build({ w: entry('F16', [3], 0, 8) }, ok), F), 'shape', F, '"w"');
  });

  it('huge shapes do not overflow or allocate', () => {
    expectError(() => readSafetensors(build({ w: entry('F32', [1e15, 1e15], 0, 8) }, ok), F),
      'shape', F, '"w"', 'more than 2 elements');
    const many = Array.from({ length: 10000 }, () => 2 ** 52);
    expectError(() => readSafetensors(build({ w: entry('F32', many, 0, 8) }, ok), F), 'shape', F, '"w"');
    // A zero dimension after huge ones means 0 elements: valid only for an empty span.
    expectError(() => readSafetensors(build({ w: entry('U8', [2 ** 30, 2 ** 30, 2 ** 30, 0], 0, 8) }, ok), F),
      'shape', F, '"w"');
    const empty = build({ w: entry('U8', [2 ** 30, 2 ** 30, 2 ** 30, 0], 0, 0) });
    expect(readSafetensors(empty, F).tensors.get('w')!.data.length).toBe(0);
  });

  it('overlapping tensors', () => {
    const raw = build({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 4, 8) }, ok);
    expectError(() => readSafetensors(raw, F), 'offsets', F, '"a"', '"b"', 'overlap');
  });

  it('a hole between tensors', () => {
    const raw = build({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, f32Bytes([1, 2, 3]));
    expectError(() => readSafetensors(raw, F), 'offsets', F, '"b"', '4..8');
  });

  it('a hole at the start', () => {
    expectError(() => readSafetensors(build({ a: entry('F32', [1], 4, 8) }, ok), F), 'offsets', F, '"a"', '0..4');
  });

  it('trailing bytes after the last tensor', () => {
    expectError(() => readSafetensors(build({ a: entry('F32', [1], 0, 4) }, ok), F), 'offsets', F, '4..8');
  });

  it('metadata values must be strings', () => {
    expectError(() => readSafetensors(build({ __metadata__: { epoch: 3 } }), F), 'header', F, 'epoch');
    expectError(() => readSafetensors(build({ __metadata__: ['x'] }), F), 'header', F, '__metadata__');
  });

  it('accepts empty and scalar tensors, including zero-length ones at shared offsets', () => {
    const raw = build({
      s: entry('F32', [], 0, 4), e1: entry('F32', [0], 4, 4), e2: entry('BF16', [3, 0], 4, 4), t: entry('F32', [1], 4, 8),
    }, ok);
    const { tensors } = readSafetensors(raw, F);
    expect(tensors.get('s')!.data[0]).toBe(1);
    expect(tensors.get('e2')!.shape).toEqual([3, 0]);
    expect(tensors.get('e2')!.data.length).toBe(0);
    expect(tensors.get('t')!.data[0]).toBe(2);
  });

  it('keeps a "__proto__" tensor name as an ordinary key', () => {
    const raw = build('{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', ok);
    expect(Array.from(readSafetensors(raw, F).tensors.get('__proto__')!.data)).toEqual([1, 2]);
  });
});
