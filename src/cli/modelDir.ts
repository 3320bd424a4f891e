import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../io/checkpointError';
import { importCheckpoint, type ImportedCheckpoint } from '../io/checkpoint';
import { channelValues } from '../data/normalisationInput';
import { UsageError } from './cliContext';

/** File names in a model folder that the importer may need (configs, weights, pickles to refuse). */
const RELEVANT = /(\.json|\.safetensors|\.bin|\.pth|\.pt|\.ckpt)$/i;

/** Default cap on the bytes read from one model folder (2 GiB). */
export const MODEL_DIR_MAX_BYTES = 2 * 1024 ** 3;

/** How a model folder is read: --num-heads, --mean/--std as typed, and the byte cap. */
export interface ModelDirOptions { numHeads?: number; normalisation?: { mean?: string; std?: string }; maxBytes?: number }

/** The import with --mean/--std applied (no longer assumed); UsageError when they do not fit the model's channels. */
function withNormalisation(model: ImportedCheckpoint, given: ModelDirOptions['normalisation']): ImportedCheckpoint {
  if (!given || (given.mean === undefined && given.std === undefined)) return model;
  const cfg = model.config;
  try {
    const mean = given.mean === undefined ? cfg.mean : channelValues(given.mean, cfg.inChans, 'mean');
    const std = given.std === undefined ? cfg.std : channelValues(given.std, cfg.inChans, 'std');
    return { ...model, config: { ...cfg, mean, std, normalisationAssumed: false } };
  } catch (err) {
    throw new UsageError(`--${(err as Error).message}`);
  }
}

/** Reads a timm / Hugging Face / project model folder from disk and imports it (validated), applying --mean/--std. */
export async function loadModelDir(dir: string, options: ModelDirOptions = {}): Promise<ImportedCheckpoint> {
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
  return withNormalisation(importCheckpoint(files, { numHeads: options.numHeads, maxBytes }), options.normalisation);
}
