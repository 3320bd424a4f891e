import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../io/checkpointError';
import { importCheckpoint, type ImportedCheckpoint } from '../io/checkpoint';

/** File names in a model folder that the importer may need (configs, weights, pickles to refuse). */
const RELEVANT = /(\.json|\.safetensors|\.bin|\.pth|\.pt|\.ckpt)$/i;

/** Default cap on the bytes read from one model folder (2 GiB). */
export const MODEL_DIR_MAX_BYTES = 2 * 1024 ** 3;

/** Reads a timm / Hugging Face / project model folder from disk and imports it (validated). */
export async function loadModelDir(dir: string, options: { numHeads?: number; maxBytes?: number } = {}): Promise<ImportedCheckpoint> {
  const maxBytes = options.maxBytes ?? MODEL_DIR_MAX_BYTES;
  let names: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new CheckpointError('io', `${dir} is not a folder; pass the folder holding config.json and model.safetensors`, { file: dir });
    names = (await readdir(dir)).filter((n) => RELEVANT.test(n)).sort();
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    throw new CheckpointError('io', `cannot read model folder ${dir}: ${(err as Error).message}`, { file: dir });
  }
  let total = 0;
  const files = [];
  for (const name of names) {
    const size = (await stat(join(dir, name))).size;
    total += size;
    if (total > maxBytes) {
      throw new CheckpointError('io', `${dir} holds more than ${(maxBytes / 2 ** 20).toFixed(0)} MiB of model files; the cap is ${(maxBytes / 2 ** 20).toFixed(0)} MiB`, { file: name });
    }
    files.push({ name, bytes: new Uint8Array(await readFile(join(dir, name))) });
  }
  return importCheckpoint(files, { numHeads: options.numHeads, maxBytes });
}
