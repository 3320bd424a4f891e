import { CheckpointError, clipName } from './checkpointError';

/** Bits per element of every dtype the safetensors format defines. */
export const DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['BOOL', 8], ['U8', 8], ['I8', 8], ['F8_E5M2', 8], ['F8_E4M3', 8], ['F8_E8M0', 8],
  ['I16', 16], ['U16', 16], ['F16', 16], ['BF16', 16],
  ['I32', 32], ['U32', 32], ['F32', 32],
  ['I64', 64], ['U64', 64], ['F64', 64], ['C64', 64],
  ['F4', 4], ['F6_E2M3', 6], ['F6_E3M2', 6],
]);

/** One tensor as the header describes it; begin/end are byte offsets into the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  /** Dimensions, outermost first; [] is a scalar. */
  shape: number[];
  /** First byte, relative to the data section start. */
  begin: number;
  /** One past the last byte, relative to the data section start. */
  end: number;
}

/** A validated header: entries sorted by `begin`, string metadata, and where the data section starts. */
export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

/** Options for reading untrusted safetensors bytes. */
export interface SafetensorsReadOptions {
  /** Largest accepted JSON header, in bytes (default 100 MiB). */
  maxHeaderBytes?: number;
}

/** Default cap on the JSON header size, in bytes (100 MiB). */
export const DEFAULT_MAX_HEADER_BYTES = 100 * 1024 * 1024;

const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Validates the header of a safetensors file (bytes) without touching tensor data. */
export function parseSafetensorsHeader(
  bytes: Uint8Array, file: string, options: SafetensorsReadOptions = {},
): SafetensorsHeader {
  const headerLength = readHeaderLength(bytes, file, options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES);
  const json = parseHeaderJson(bytes.subarray(8, 8 + headerLength), file);
  const dataLength = bytes.length - 8 - headerLength;
  const metadata = parseMetadata(json['__metadata__'], file);
  const entries = Object.keys(json)
    .filter((name) => name !== '__metadata__')
    .map((name) => parseEntry(name, json[name], dataLength, file));
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkCoverage(entries, dataLength, file);
  return { entries, metadata, dataStart: 8 + headerLength };
}

/** Reads and bounds-checks the u64 header length (bytes) without ever allocating from it. */
function readHeaderLength(bytes: Uint8Array, file: string, maxHeaderBytes: number): number {
  const fail = (why: string) => new CheckpointError('header', `${file}: ${why}`, { file });
  if (bytes.length < 8) {
    throw fail(`only ${bytes.length} bytes long; a safetensors file starts with an 8-byte header length.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed === 0n) throw fail('the header length is 0; the file is empty or not safetensors.');
  if (claimed > BigInt(bytes.length - 8)) {
    throw fail(`the header claims ${claimed} bytes but only ${bytes.length - 8} bytes follow; ` +
      'the file is truncated or not safetensors.');
  }
  if (claimed > BigInt(maxHeaderBytes)) {
    throw fail(`the header is ${claimed} bytes, more than the ${maxHeaderBytes}-byte limit.`);
  }
  return Number(claimed);
}

/** Decodes the header bytes as strict UTF-8 JSON and requires a top-level object. */
function parseHeaderJson(headerBytes: Uint8Array, file: string): Json {
  const fail = (why: string) => new CheckpointError('header', `${file}: ${why}`, { file });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw fail('the header is not valid UTF-8; the file is corrupt or not safetensors.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`the header is not valid JSON (${(err as Error).message}); the file is corrupt or not safetensors.`);
  }
  if (!isObject(json)) throw fail('the header JSON is not an object of tensor entries.');
  return json;
}

/** Validates the optional "__metadata__" object: string keys to string values. */
function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    throw new CheckpointError('header', `${file}: "__metadata__" must be an object of strings.`, { file });
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new CheckpointError('header',
        `${file}: "__metadata__" value for "${clipName(key)}" is ${typeof item}, not a string.`, { file, key });
    }
  }
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

/** Validates one tensor entry: fields, dtype, shape, offsets and byte count. */
function parseEntry(name: string, value: unknown, dataLength: number, file: string): SafetensorsEntry {
  const where = { file, key: name };
  const at = `${file}: tensor "${clipName(name)}"`;
  if (!isObject(value)) {
    throw new CheckpointError('header', `${at}: entry must be an object with dtype, shape and data_offsets.`, where);
  }
  for (const field of Object.keys(value)) {
    if (!ENTRY_FIELDS.includes(field)) throw new CheckpointError('header', `${at}: unexpected field "${clipName(field)}".`, where);
  }
  for (const field of ENTRY_FIELDS) {
    if (!Object.hasOwn(value, field)) throw new CheckpointError('header', `${at}: missing field "${field}".`, where);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw new CheckpointError('header', `${at}: dtype must be a string.`, where);
  if (!DTYPE_BITS.has(dtype)) {
    throw new CheckpointError('dtype', `${at}: unknown dtype "${dtype.slice(0, 40)}".`, where);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new CheckpointError('shape', `${at}: shape must be an array of non-negative integers.`, where);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new CheckpointError('offsets',
      `${at}: data_offsets must be [begin, end] with 0 <= begin <= end.`, where);
  }
  const [begin, end] = offsets as number[];
  if (end > dataLength) {
    throw new CheckpointError('offsets',
      `${at}: data_offsets end ${end} is past the ${dataLength}-byte data section; the file is truncated.`, where);
  }
  checkByteCount(name, dtype, shape as number[], end - begin, file);
  return { name, dtype, shape: shape as number[], begin, end };
}

/** Requires element count × dtype size to equal the byte span, without overflow on huge shapes. */
function checkByteCount(name: string, dtype: string, shape: number[], span: number, file: string): void {
  const bits = DTYPE_BITS.get(dtype)!;
  const spanBits = span * 8; // span <= file size, so exact
  const maxElements = Math.floor(spanBits / bits);
  let count = shape.includes(0) ? 0 : 1;
  for (let i = 0; i < shape.length && count > 0 && count <= maxElements; i++) count *= shape[i];
  if (count * bits === spanBits) return;
  const has = count > maxElements ? `more than ${maxElements} elements` : `${count} elements`;
  throw new CheckpointError('shape',
    `${file}: tensor "${clipName(name)}" has shape [${clipName(shape.join(', '))}] of ${dtype} (${has}) ` +
    `but its data_offsets span ${span} bytes.`, { file, key: name });
}

/** Requires the entries (sorted by begin) to tile the data section exactly: no overlap, no hole. */
function checkCoverage(entries: SafetensorsEntry[], dataLength: number, file: string): void {
  let cursor = 0;
  let previous: SafetensorsEntry | undefined;
  for (const entry of entries) {
    const where = { file, key: entry.name };
    if (entry.begin < cursor) {
      throw new CheckpointError('offsets',
        `${file}: tensors "${clipName(previous!.name)}" and "${clipName(entry.name)}" overlap at byte ${entry.begin}.`, where);
    }
    if (entry.begin > cursor) {
      throw new CheckpointError('offsets',
        `${file}: bytes ${cursor}..${entry.begin} before tensor "${clipName(entry.name)}" belong to no tensor.`, where);
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== dataLength) {
    throw new CheckpointError('offsets',
      `${file}: bytes ${cursor}..${dataLength} at the end of the data section belong to no tensor.`, { file });
  }
}
