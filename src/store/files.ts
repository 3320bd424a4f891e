/** Picked or dropped File objects as the bytes the worker and IndexedDB take. */
import type { WorkerFile } from '../worker/engineApi';
import type { StoredFile } from './sessionRecord';

/** The relative path of a picked file (folder picks carry webkitRelativePath; drops may set `path`). */
export function filePath(file: File): string {
  const withPath = file as File & { webkitRelativePath?: string; path?: string };
  return withPath.webkitRelativePath || withPath.path?.replace(/^\//, '') || file.name;
}

/** Reads every file's bytes (fresh buffers, safe to transfer). */
export async function readFiles(files: File[]): Promise<WorkerFile[]> {
  return Promise.all(files.map(async (f) => ({ name: filePath(f), bytes: await f.arrayBuffer() })));
}

/** Copies of stored files for the worker (the stored ones stay intact). */
export function workerFiles(files: StoredFile[]): WorkerFile[] {
  return files.map((f) => ({ name: f.name, bytes: f.bytes.slice(0) }));
}

/** The buffers of worker files, for comlink.transfer. */
export function buffersOf(files: WorkerFile[]): ArrayBuffer[] {
  return files.map((f) => f.bytes);
}

/** Total bytes of some files. */
export function totalBytes(files: { bytes: ArrayBuffer }[]): number {
  return files.reduce((n, f) => n + f.bytes.byteLength, 0);
}
