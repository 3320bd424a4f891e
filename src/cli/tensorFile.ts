import { readFile, writeFile } from 'node:fs/promises';
import { CheckpointError } from '../io/checkpointError';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import type { HostTensor, HostTensors } from '../model/hostTensor';

/** Reads one named tensor from a safetensors file on disk, checking its rank. */
export async function readTensorFile(path: string, key: string, rank: number): Promise<HostTensor> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new CheckpointError('io', `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
  const { tensors } = readSafetensors(bytes, path);
  const t = tensors.get(key);
  if (!t) {
    const have = [...tensors.keys()].slice(0, 5).join(', ') || 'no tensors';
    throw new CheckpointError('missing-key', `${path} has no tensor "${key}" (it has ${have})`, { file: path, key });
  }
  if (t.shape.length !== rank) {
    throw new CheckpointError('shape', `${path}: "${key}" has shape [${t.shape}], expected ${rank} dimensions`, { file: path, key });
  }
  return t;
}

/** Writes float32 tensors to a safetensors file. */
export async function writeTensorFile(path: string, tensors: HostTensors, metadata?: Record<string, string>): Promise<void> {
  await writeFile(path, writeSafetensors(tensors, metadata));
}
