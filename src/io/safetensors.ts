import { CheckpointError, clipName } from './checkpointError';
import { decodeBF16, decodeF16 } from './halfFloat';
import {
  DTYPE_BITS, parseSafetensorsHeader,
  type SafetensorsEntry, type SafetensorsHeader, type SafetensorsReadOptions,
} from './safetensorsHeader';
import { sizeOf, type HostTensor, type HostTensors } from '../model/hostTensor';

export type { SafetensorsEntry, SafetensorsHeader, SafetensorsReadOptions } from './safetensorsHeader';
export { DEFAULT_MAX_HEADER_BYTES } from './safetensorsHeader';

/** A decoded safetensors file: float32 tensors by name plus the string metadata. */
export interface SafetensorsFile {
  tensors: HostTensors;
  metadata: Record<string, string>;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type ElementReader = (view: DataView, at: number) => number;

/** Non-float32/16 dtypes converted to float32 element by element (little-endian). */
const DATAVIEW_READERS: ReadonlyMap<string, ElementReader> = new Map<string, ElementReader>([
  ['F64', (v, at) => v.getFloat64(at, true)],
  ['I64', (v, at) => Number(v.getBigInt64(at, true))],
  ['U64', (v, at) => Number(v.getBigUint64(at, true))],
  ['I32', (v, at) => v.getInt32(at, true)],
  ['U32', (v, at) => v.getUint32(at, true)],
  ['I16', (v, at) => v.getInt16(at, true)],
  ['U16', (v, at) => v.getUint16(at, true)],
  ['I8', (v, at) => v.getInt8(at)],
  ['U8', (v, at) => v.getUint8(at)],
  ['BOOL', (v, at) => (v.getUint8(at) === 0 ? 0 : 1)],
]);

/** True for PyTorch pickles: zip archives (torch.save default) or raw pickle protocol 2..5 streams. */
export function isPickleFile(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  const pickle = bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
  // A safetensors header length can start with these bytes too; its JSON then begins with '{' at byte 8.
  const looksSafetensors = bytes.length > 8 && bytes[8] === 0x7b;
  return (zip || pickle) && !looksSafetensors;
}

/** Throws CheckpointError('pickle') with conversion advice if `bytes` are a pickled PyTorch file. */
export function assertNotPickle(bytes: Uint8Array, file: string): void {
  if (!isPickleFile(bytes)) return;
  throw new CheckpointError('pickle',
    `${file} is a pickled PyTorch file; the studio never unpickles files. Convert it to safetensors, e.g. ` +
    `python -c "import torch; from safetensors.torch import save_file; ` +
    `save_file(torch.load('${file}', weights_only=True), 'model.safetensors')"`, { file });
}

/** Validates and returns the header (names, dtypes, shapes, byte offsets) without decoding any data. */
export function readSafetensorsHeader(
  bytes: Uint8Array, file = 'model.safetensors', options?: SafetensorsReadOptions,
): SafetensorsHeader {
  assertNotPickle(bytes, file);
  return parseSafetensorsHeader(bytes, file, options);
}

/** Reads a safetensors file into float32 host tensors (copies; never aliases `bytes`). */
export function readSafetensors(
  bytes: Uint8Array, file = 'model.safetensors', options?: SafetensorsReadOptions,
): SafetensorsFile {
  const header = readSafetensorsHeader(bytes, file, options);
  const tensors: HostTensors = new Map();
  for (const entry of header.entries) {
    const data = decodeEntry(bytes, header.dataStart + entry.begin, entry, file);
    tensors.set(entry.name, { shape: [...entry.shape], data });
  }
  return { tensors, metadata: header.metadata };
}

/** Converts one validated entry starting at absolute byte `at` to float32. */
function decodeEntry(bytes: Uint8Array, at: number, entry: SafetensorsEntry, file: string): Float32Array {
  const count = sizeOf(entry.shape);
  if (entry.dtype === 'F32') return readF32(bytes, at, count);
  if (entry.dtype === 'F16') return decodeF16(bytes, at, count);
  if (entry.dtype === 'BF16') return decodeBF16(bytes, at, count);
  const read = DATAVIEW_READERS.get(entry.dtype);
  if (!read) {
    throw new CheckpointError('dtype',
      `${file}: tensor "${clipName(entry.name)}" has dtype ${entry.dtype}, which the studio cannot read ` +
      '(use F32, F16 or BF16).', { file, key: entry.name });
  }
  const step = DTYPE_BITS.get(entry.dtype)! / 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(view, at + i * step);
  return out;
}

/** Copies `count` little-endian float32 values from byte `at` (any alignment) into a fresh array. */
function readF32(bytes: Uint8Array, at: number, count: number): Float32Array {
  // Uint8Array's slice copies into a fresh, aligned buffer; a Node Buffer's own slice would return a view.
  const copy = Uint8Array.prototype.slice.call(bytes, at, at + 4 * count);
  if (HOST_LITTLE_ENDIAN) return new Float32Array(copy.buffer, 0, count);
  const view = new DataView(copy.buffer);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** Serialises float32 tensors (keys sorted, contiguous data) with optional string metadata. */
export function writeSafetensors(tensors: HostTensors, metadata?: Record<string, string>): Uint8Array {
  const names = [...tensors.keys()].sort();
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${metadataJson(metadata)}`);
  let offset = 0;
  for (const name of names) {
    const tensor = tensors.get(name)!;
    checkWritable(name, tensor);
    const end = offset + tensor.data.length * 4;
    parts.push(`${JSON.stringify(name)}:{"dtype":"F32","shape":${JSON.stringify(tensor.shape)},` +
      `"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const header = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(header.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + headerLength); // pad with spaces, like the reference writer
  let at = 8 + headerLength;
  for (const name of names) at = writeF32(out, at, tensors.get(name)!.data);
  return out;
}

/** Deterministic JSON for string metadata (keys sorted); rejects non-string values. */
function metadataJson(metadata: Record<string, string>): string {
  const keys = Object.keys(metadata).sort();
  for (const key of keys) {
    if (typeof metadata[key] !== 'string') {
      throw new CheckpointError('header', `metadata value for "${key}" must be a string.`, { key });
    }
  }
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`;
}

/** Requires a writable name and a shape of non-negative integers matching data.length. */
function checkWritable(name: string, tensor: HostTensor): void {
  if (name === '__metadata__') {
    throw new CheckpointError('header', 'a tensor cannot be named "__metadata__".', { key: name });
  }
  const valid = tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!valid || sizeOf(tensor.shape) !== tensor.data.length) {
    throw new CheckpointError('shape',
      `tensor "${name}" has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} values.`, { key: name });
  }
}

/** Writes float32 values little-endian at byte `at` of `out`; returns the byte after them. */
function writeF32(out: Uint8Array, at: number, data: Float32Array): number {
  if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  } else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i], true);
  }
  return at + data.byteLength;
}
