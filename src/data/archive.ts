/** Safe gunzip and unzip of untrusted bytes (fflate's inflater), with caps on the expanded size and entry count. */
import { clipName } from '../io/checkpointError';
import { inflateExactly } from './boundedInflate';
import { DatasetError, errorMessage } from './datasetError';
import type { SkippedFile } from './imageDataset';
import { isHiddenPath, normalisePath, type NamedBytes } from './namedBytes';
import { readZipDirectory, type ZipEntry } from './zipDirectory';

/** Default cap on the expanded size of one gzip file or of all entries of a zip (2 GiB). */
export const DEFAULT_MAX_EXPANDED_BYTES = 2 * 1024 ** 3;

/** Default cap on the number of entries in a zip. */
export const DEFAULT_MAX_ZIP_ENTRIES = 200_000;

/** Caps for expanding archives. */
export interface ArchiveLimits {
  /** Most bytes after expansion, all entries together (default 2 GiB). */
  maxBytes?: number;
  /** Most zip entries (default 200,000). */
  maxEntries?: number;
}

/** True when bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** True when bytes start with a zip local-file or empty-archive signature (PK\x03\x04 / PK\x05\x06). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06));
}

/** Gunzips `bytes` when they are gzip (else returns them); the trailer's size is checked against the cap first. */
export function maybeGunzip(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_EXPANDED_BYTES): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  if (bytes.length < 18) throw new DatasetError('format', `${file}: truncated gzip file (${bytes.length} bytes).`, file);
  const n = bytes.length;
  const size = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
  if (size > maxBytes) {
    throw new DatasetError('too-large', `${file}: expands to ${size} bytes, over the ${maxBytes}-byte limit.`, file);
  }
  try {
    return inflateExactly(bytes.subarray(gzipDataStart(bytes), n - 8), size, `${file}: the gzip data`, file);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError('format', `${file}: not valid gzip data (${errorMessage(error)}).`, file);
  }
}

/** Offset of the deflate data in a gzip member: after the 10-byte header and its optional fields (RFC 1952). */
function gzipDataStart(bytes: Uint8Array): number {
  if (bytes[2] !== 8) throw new Error(`compression method ${bytes[2]} is not deflate`);
  const flags = bytes[3];
  let at = 10;
  if (flags & 4) at += 2 + (bytes[10] | (bytes[11] << 8)); // FEXTRA
  for (const flag of [8, 16]) if (flags & flag) { while (at < bytes.length && bytes[at] !== 0) at++; at++; } // FNAME, FCOMMENT
  if (flags & 2) at += 2; // FHCRC
  if (at > bytes.length - 8) throw new Error('the header runs into the trailer');
  return at;
}

/** Why a zip entry name is refused (absolute, drive letter, or "..") or null when it is safe. */
export function unsafeZipPath(name: string): string | null {
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return 'refused: absolute path in zip';
  if (slashed.split('/').includes('..')) return 'refused: ".." in zip path';
  return null;
}

/** The bytes of one entry (stored: copied; deflate: inflated to exactly its declared size). */
function extract(bytes: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) return data.slice();
  try {
    return inflateExactly(data, entry.originalSize, `${file}: entry "${clipName(entry.name)}"`, file);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError('format', `${file}: entry "${clipName(entry.name)}" is not valid deflate data (${errorMessage(error)}).`, file);
  }
}

/**
 * Expands a zip into named byte arrays (folder entries keep their trailing '/'); unsafe paths and
 * unsupported entries are listed in `skipped`. The entry count and the declared sizes are checked
 * against the caps before anything is inflated, and no entry inflates past its declared size.
 */
export function unzipFiles(
  bytes: Uint8Array, file: string, limits: ArchiveLimits = {},
): { files: NamedBytes[]; skipped: SkippedFile[] } {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_EXPANDED_BYTES;
  const entries = readZipDirectory(bytes, file, limits.maxEntries ?? DEFAULT_MAX_ZIP_ENTRIES);
  const skipped: SkippedFile[] = [];
  const chosen = entries.filter((entry) => {
    const reason = unsafeZipPath(entry.name)
      ?? (entry.method !== 0 && entry.method !== 8 ? `unsupported zip compression method ${entry.method}` : null);
    if (reason) skipped.push({ file: entry.name, reason });
    return reason === null && !isHiddenPath(entry.name);
  });
  const total = chosen.reduce((sum, e) => sum + (e.method === 0 ? e.compressedSize : e.originalSize), 0);
  if (total > maxBytes) throw new DatasetError('too-large', `${file}: expands to more than ${maxBytes} bytes.`, file);
  const byName = new Map(chosen.map((entry) => [entry.name, extract(bytes, entry, file)]));
  const files = [...byName.keys()].sort().map((name) => ({ name: normalisePath(name), bytes: byName.get(name)! }));
  return { files, skipped };
}
