/** Reading a zip's central directory (zip64 too) without inflating anything: names, methods, sizes, data offsets. */
import { clipName } from '../io/checkpointError';
import { DatasetError } from './datasetError';

/** One entry as the central directory describes it. */
export interface ZipEntry {
  name: string;
  /** Compression method: 0 stored, 8 deflate; others are not supported. */
  method: number;
  /** Bytes of entry data in the archive. */
  compressedSize: number;
  /** Bytes after inflation, as the archive declares them (untrusted). */
  originalSize: number;
  /** Absolute offset of the entry data (after its local header). */
  dataStart: number;
}

const u16 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8)) >>> 0;
const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number): number => u32(b, at) + u32(b, at + 4) * 2 ** 32;

const END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
const UTF8 = new TextDecoder('utf-8');
const LATIN1 = new TextDecoder('latin1');

/** Offset of the end-of-central-directory record, searched backwards over the comment window. */
function endRecord(bytes: Uint8Array, file: string): number {
  for (let at = bytes.length - 22; at >= 0 && bytes.length - at <= 22 + MAX_COMMENT; at--) {
    if (u32(bytes, at) === END) return at;
  }
  throw new DatasetError('format', `${file}: not a zip archive (no end-of-central-directory record; truncated?).`, file);
}

/** Sizes and offset from a zip64 extra field (id 1) for the 32-bit fields that are 0xffffffff. */
function zip64Fields(bytes: Uint8Array, at: number, end: number, sizes: [number, number, number]): [number, number, number] {
  const wide = sizes.map((v) => v === 0xffffffff);
  for (; at + 4 <= end; at += 4 + u16(bytes, at + 2)) {
    if (u16(bytes, at) !== 1) continue;
    let field = at + 4;
    const out: [number, number, number] = [...sizes];
    for (const i of [1, 0, 2]) if (wide[i]) { out[i] = u64(bytes, field); field += 8; } // original, compressed, offset
    return out;
  }
  return sizes;
}

/** Lists a zip's entries (refusing more than `maxEntries` before reading them); corrupt records are DatasetError('format'). */
export function readZipDirectory(bytes: Uint8Array, file: string, maxEntries: number): ZipEntry[] {
  const fail = (why: string) => new DatasetError('format', `${file}: ${why}`, file);
  const end = endRecord(bytes, file);
  let count = u16(bytes, end + 10);
  let at = u32(bytes, end + 16);
  if (end >= 20 && u32(bytes, end - 20) === ZIP64_LOCATOR) {
    const z64 = u64(bytes, end - 12);
    if (u32(bytes, z64) !== ZIP64_END) throw fail('corrupt zip64 end record.');
    count = u64(bytes, z64 + 32);
    at = u64(bytes, z64 + 48);
  }
  if (count > maxEntries) throw new DatasetError('too-large', `${file}: ${count} entries, more than the limit of ${maxEntries}.`, file);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (u32(bytes, at) !== CENTRAL) throw fail(`central directory entry ${i + 1} of ${count} is corrupt or missing.`);
    const nameLength = u16(bytes, at + 28);
    const extraStart = at + 46 + nameLength;
    const utf8 = (u16(bytes, at + 8) & 0x800) !== 0;
    const name = (utf8 ? UTF8 : LATIN1).decode(bytes.subarray(at + 46, extraStart));
    const [compressedSize, originalSize, local] = zip64Fields(bytes, extraStart, extraStart + u16(bytes, at + 30),
      [u32(bytes, at + 20), u32(bytes, at + 24), u32(bytes, at + 42)]);
    if (u32(bytes, local) !== LOCAL) throw fail(`entry "${clipName(name)}" points to no local header.`);
    const dataStart = local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28);
    if (dataStart + compressedSize > bytes.length) throw fail(`entry "${clipName(name)}" runs past the end of the file; the zip is truncated.`);
    entries.push({ name, method: u16(bytes, at + 10), compressedSize, originalSize, dataStart });
    at = extraStart + u16(bytes, at + 30) + u16(bytes, at + 32);
  }
  return entries;
}
