/**
 * Files from a drop, folders included: walks dropped directories and keeps every file's path
 * relative to the drop (as `webkitRelativePath`, the way <input webkitdirectory> reports it), so
 * that a dropped folder of class subfolders reads the same as a picked one.
 */

interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
}
interface FileEntryLike extends Entry { file(ok: (f: File) => void, fail: (e: unknown) => void): void }
interface DirEntryLike extends Entry {
  createReader(): { readEntries(ok: (entries: Entry[]) => void, fail: (e: unknown) => void): void };
}

/** Sets a path on a File the way a folder picker does (the property is read-only on File.prototype). */
export function withRelativePath(file: File, path: string): File {
  Object.defineProperty(file, 'webkitRelativePath', { value: path, configurable: true });
  return file;
}

async function readAll(dir: DirEntryLike): Promise<Entry[]> {
  const reader = dir.createReader();
  const out: Entry[] = [];
  // readEntries returns at most ~100 entries per call; call until it returns none.
  for (;;) {
    const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function walk(entry: Entry, files: File[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((ok, fail) => (entry as FileEntryLike).file(ok, fail));
    const path = entry.fullPath.replace(/^\/+/, '');
    files.push(path.includes('/') ? withRelativePath(file, path) : file);
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as DirEntryLike)) await walk(child, files);
  }
}

/** Every file of a drop, with folder structure kept. */
export async function filesFromDrop(data: DataTransfer): Promise<File[]> {
  const entries: Entry[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = (item as DataTransferItem & { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) return Array.from(data.files);
  const files: File[] = [];
  for (const entry of entries) await walk(entry, files);
  return files;
}
