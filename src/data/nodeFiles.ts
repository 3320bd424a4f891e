/**
 * NODE-ONLY (CLI and tests; never import from browser code): reads a folder or file from disk
 * into the named byte arrays that every dataset loader takes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DatasetError } from './datasetError';
import type { NamedBytes } from './namedBytes';

/** Safety caps for reading a folder tree. */
export interface ReadFilesLimits {
  /** Most files read (default 200,000). */
  maxFiles?: number;
  /** Most bytes read in total (default 4 GiB). */
  maxBytes?: number;
}

/**
 * Reads `target`: a file gives [{ name: its base name, bytes }]; a folder gives every file below it
 * with its relative path ('/' separators) plus a "name/" entry per sub-folder (so empty class folders
 * show). Hidden entries (".xxx") are skipped; symbolic links are not followed.
 */
export function readNodeFiles(target: string, limits: ReadFilesLimits = {}): NamedBytes[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new DatasetError('missing-file', `${target} does not exist or cannot be read.`, target);
  }
  if (stat.isFile()) return [{ name: path.basename(target), bytes: readFileSync(target) }];
  const out: NamedBytes[] = [];
  const budget = { files: limits.maxFiles ?? 200_000, bytes: limits.maxBytes ?? 4 * 1024 ** 3 };
  walk(target, '', out, budget);
  return out;
}

/** Depth-first walk in sorted order, appending files and folder markers under `rel`. */
function walk(root: string, rel: string, out: NamedBytes[], budget: { files: number; bytes: number }): void {
  const dir = path.join(root, rel);
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      out.push({ name: `${name}/`, bytes: new Uint8Array(0) });
      walk(root, name, out, budget);
    } else if (entry.isFile()) {
      budget.files -= 1;
      budget.bytes -= statSync(path.join(root, name)).size;
      if (budget.files < 0 || budget.bytes < 0) {
        throw new DatasetError('too-large', `${root} holds more files or bytes than the reading limit; ` +
          'choose a smaller folder or raise the limit.', root);
      }
      const bytes = readFileSync(path.join(root, name));
      out.push({ name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    }
  }
}
