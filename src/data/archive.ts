/** Safe gunzip and unzip of untrusted bytes (fflate), with caps on the expanded size. */
import { gunzipSync, unzipSync, type UnzipFileInfo } from 'fflate';
import { DatasetError, errorMessage } from './datasetError';
import type { SkippedFile } from './imageDataset';
import { isHiddenPath, normalisePath, type NamedBytes } from './namedBytes';

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
    return gunzipSync(bytes); // output is allocated from the trailer size and never grows beyond it
  } catch (error) {
    throw new DatasetError('format', `${file}: not valid gzip data (${errorMessage(error)}).`, file);
  }
}

/** Why a zip entry name is refused (absolute, drive letter, or "..") or null when it is safe. */
export function unsafeZipPath(name: string): string | null {
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return 'refused: absolute path in zip';
  if (slashed.split('/').includes('..')) return 'refused: ".." in zip path';
  return null;
}

/** The entries of a zip, filtered and size-checked before any inflation. */
interface ZipPlan { skipped: SkippedFile[]; total: number; count: number }

/** Decides per entry whether to extract it, enforcing the limits; throws when a cap is exceeded. */
function zipFilter(file: string, plan: ZipPlan, limits: Required<ArchiveLimits>) {
  return (info: UnzipFileInfo): boolean => {
    plan.count += 1;
    if (plan.count > limits.maxEntries) {
      throw new DatasetError('too-large', `${file}: more than ${limits.maxEntries} entries.`, file);
    }
    const unsafe = unsafeZipPath(info.name);
    if (unsafe) { plan.skipped.push({ file: info.name, reason: unsafe }); return false; }
    if (isHiddenPath(info.name)) return false;
    if (info.compression !== 0 && info.compression !== 8) {
      plan.skipped.push({ file: info.name, reason: `unsupported zip compression method ${info.compression}` });
      return false;
    }
    plan.total += info.originalSize;
    if (plan.total > limits.maxBytes) {
      throw new DatasetError('too-large', `${file}: expands to more than ${limits.maxBytes} bytes.`, file);
    }
    return true;
  };
}

/**
 * Expands a zip into named byte arrays (folder entries keep their trailing '/'); unsafe paths and
 * unsupported entries are listed in `skipped`. Each entry's output is bounded by its declared size.
 */
export function unzipFiles(
  bytes: Uint8Array, file: string, limits: ArchiveLimits = {},
): { files: NamedBytes[]; skipped: SkippedFile[] } {
  const full = {
    maxBytes: limits.maxBytes ?? DEFAULT_MAX_EXPANDED_BYTES, maxEntries: limits.maxEntries ?? DEFAULT_MAX_ZIP_ENTRIES,
  };
  const plan: ZipPlan = { skipped: [], total: 0, count: 0 };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: zipFilter(file, plan, full) });
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError('format', `${file}: not a readable zip archive (${errorMessage(error)}).`, file);
  }
  const files = Object.keys(entries).sort().map((name) => ({ name: normalisePath(name), bytes: entries[name] }));
  return { files, skipped: plan.skipped };
}
