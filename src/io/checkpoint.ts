import { CheckpointError, clipName } from './checkpointError';
import { isJsonObject, parseConfigJson, type JsonObject, type ParsedConfig } from './configJson';
import { parseHfConfig } from './hfConfig';
import { hfKeyPlan } from './hfKeys';
import {
  applyPlan, checkDepth, checkFinite, checkHeader, identityPlan,
  type HeaderTensor, type ImportSource, type KeyPlan,
} from './keyMapping';
import { isProjectConfig, projectConfigFromJson } from './projectConfig';
import { assertNotPickle, readSafetensors, readSafetensorsHeader } from './safetensors';
import { parseTimmConfig } from './timmConfig';
import { timmKeyPlan } from './timmKeys';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import { expectedShapes } from '../model/vitWeights';

export type { ImportSource } from './keyMapping';

/** One file of a checkpoint folder: a relative path (or base name) and its bytes. */
export interface CheckpointFile {
  name: string;
  bytes: Uint8Array;
}

/** Options for importCheckpoint. */
export interface ImportOptions {
  /** Head count for timm architectures the studio's table does not know (overrides the table). */
  numHeads?: number;
  /** Largest accepted total size of the weight files, in bytes (default 2 GiB). */
  maxBytes?: number;
}

/** A validated checkpoint: its config and float32 tensors under the canonical names of vitWeights.ts. */
export interface ImportedCheckpoint {
  config: VitConfig;
  tensors: HostTensors;
  source: ImportSource;
  /** Tensors in the file that the studio skips on purpose (e.g. the HF ViTModel pooler). */
  ignoredKeys: string[];
  /** Non-fatal remarks for the user (ignored files, inferred options...). */
  warnings: string[];
}

/** Default cap on the total size of the weight files: 2 GiB. */
export const DEFAULT_MAX_CHECKPOINT_BYTES = 2 * 1024 ** 3;

const PICKLE_NAME = /\.(pth|pt|bin|ckpt|pkl|pickle)$/i;
const INDEX_NAME = 'model.safetensors.index.json';

/** The weight files to read and how to name them in messages. */
interface WeightFiles {
  label: string;
  files: CheckpointFile[];
  /** Tensor name -> shard base name, from a sharded index. */
  index?: Map<string, string>;
}

/**
 * Turns a timm hub folder, a Hugging Face ViT/DeiT folder (v4 or v5 keys) or a studio slim folder
 * into a validated (config, canonical tensors) pair. Headers are checked against the config
 * before any tensor data is decoded; every problem is a typed CheckpointError.
 */
export function importCheckpoint(files: CheckpointFile[], options: ImportOptions = {}): ImportedCheckpoint {
  const warnings: string[] = [];
  const weights = selectWeights(files, warnings);
  checkSize(weights.files, options.maxBytes ?? DEFAULT_MAX_CHECKPOINT_BYTES);
  const configFile = pickOne(files, 'config.json');
  if (!configFile) {
    throw new CheckpointError('config',
      'config.json is missing: a checkpoint folder needs config.json (timm hub, Hugging Face or ViT Pruning ' +
      'Studio format) next to its .safetensors weights.', { file: 'config.json' });
  }
  const json = parseConfigJson(configFile.bytes, configFile.name);
  const entries = readHeaders(weights);
  const keys = entries.map((e) => e.name);
  const { parsed, plan } = configAndPlan(json, configFile.name, files, keys, options);
  warnings.push(...parsed.warnings);
  checkDepth(plan, keys, parsed.config.depth, weights.label, configFile.name);
  const ignoredKeys = checkHeader(plan, entries, weights.label, configFile.name);
  const fileOf = new Map(entries.map((e) => [e.name, e.file]));
  const source = readData(weights.files);
  checkFinite(plan, source, weights.label, (name) => fileOf.get(name) ?? weights.label);
  return { config: parsed.config, tensors: applyPlan(plan, source), source: plan.source, ignoredKeys, warnings };
}

/** Base name of a relative path. */
function baseName(file: CheckpointFile): string {
  return file.name.split(/[\\/]/).pop() ?? file.name;
}

/** The file with this base name closest to the folder root; several at the same depth is an error. */
function pickOne(files: CheckpointFile[], name: string): CheckpointFile | undefined {
  const depth = (f: CheckpointFile) => f.name.split(/[\\/]/).length;
  const found = files.filter((f) => baseName(f) === name).sort((a, b) => depth(a) - depth(b));
  if (found.length > 1 && depth(found[0]) === depth(found[1])) {
    throw new CheckpointError('config',
      `several files are named ${name} (${found.map((f) => f.name).join(', ')}); import one checkpoint at a time.`,
      { file: name });
  }
  return found[0];
}

/** Chooses model.safetensors, the shards of an index, or the single .safetensors; refuses pickles. */
function selectWeights(files: CheckpointFile[], warnings: string[]): WeightFiles {
  const safetensors = files.filter((f) => baseName(f).endsWith('.safetensors'));
  const pickles = files.filter((f) => PICKLE_NAME.test(baseName(f)));
  const single = pickOne(files, 'model.safetensors');
  const index = single ? undefined : pickOne(files, INDEX_NAME);
  if (safetensors.length === 0 && !index) refuseWithoutSafetensors(pickles, files);
  let chosen: WeightFiles;
  if (single) chosen = { label: single.name, files: [single] };
  else if (index) chosen = readIndex(index, files);
  else if (safetensors.length === 1) chosen = { label: safetensors[0].name, files: safetensors };
  else {
    throw new CheckpointError('io',
      `found several .safetensors files (${safetensors.map((f) => f.name).join(', ')}) but no model.safetensors ` +
      `or ${INDEX_NAME}; keep one checkpoint per folder.`);
  }
  for (const p of pickles) {
    warnings.push(`${p.name} was ignored (pickled PyTorch weights are never read); using ${chosen.label}.`);
  }
  return chosen;
}

/** No safetensors: a pickle gets conversion advice, anything else a plain 'io' error. */
function refuseWithoutSafetensors(pickles: CheckpointFile[], files: CheckpointFile[]): never {
  for (const p of pickles) assertNotPickle(p.bytes, p.name);
  for (const f of files) if (!baseName(f).includes('.')) assertNotPickle(f.bytes, f.name);
  if (pickles.length > 0) {
    const name = pickles[0].name;
    throw new CheckpointError('pickle',
      `${name} looks like PyTorch weights (${name.split('.').pop()}); the studio reads only safetensors. ` +
      'Convert it with safetensors.torch.save_file and add model.safetensors.', { file: name });
  }
  const names = files.map((f) => f.name).join(', ') || 'none';
  throw new CheckpointError('io', `no model.safetensors among the files (got: ${names}); the studio reads safetensors weights.`);
}

/** Reads and validates model.safetensors.index.json; every shard it names must be present. */
function readIndex(index: CheckpointFile, files: CheckpointFile[]): WeightFiles {
  const json = parseConfigJson(index.bytes, index.name);
  const map = json['weight_map'];
  const fail = (why: string) => new CheckpointError('header', `${index.name}: ${why}`, { file: index.name });
  if (!isJsonObject(map)) throw fail('"weight_map" must be an object mapping tensor names to shard files.');
  const weightMap = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(map)) {
    if (typeof shard !== 'string') throw fail(`"weight_map" entry ${clipName(tensor)} must name a shard file.`);
    weightMap.set(tensor, shard.split(/[\\/]/).pop()!);
  }
  const shards: CheckpointFile[] = [];
  for (const shardName of new Set(weightMap.values())) {
    const shard = pickOne(files, shardName);
    if (!shard) throw new CheckpointError('io', `${index.name} lists ${clipName(shardName)}, which is not among the files.`, { file: shardName });
    shards.push(shard);
  }
  if (shards.length === 0) throw fail('"weight_map" is empty.');
  return { label: `${index.name} shards`, files: shards, index: weightMap };
}

/** Refuses weight files whose total size exceeds the cap, before anything is parsed. */
function checkSize(files: CheckpointFile[], maxBytes: number): void {
  const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
  if (total <= maxBytes) return;
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  throw new CheckpointError('io',
    `the checkpoint weights are ${mb(total)} MB, more than the ${mb(maxBytes)} MB limit.`, { file: files[0]?.name });
}

/** Validated headers of all weight files (no data decoded), checked against the shard index. */
function readHeaders(weights: WeightFiles): HeaderTensor[] {
  const entries: HeaderTensor[] = [];
  const seen = new Map<string, string>();
  for (const file of weights.files) {
    for (const e of readSafetensorsHeader(file.bytes, file.name).entries) {
      const other = seen.get(e.name);
      if (other) throw new CheckpointError('header', `${clipName(e.name)} is in both ${other} and ${file.name}.`, { file: file.name, key: e.name });
      seen.set(e.name, file.name);
      checkIndexed(weights, e.name, baseName(file), file.name);
      entries.push({ name: e.name, shape: e.shape, dtype: e.dtype, file: file.name });
    }
  }
  for (const [tensor, shard] of weights.index ?? []) {
    if (!seen.has(tensor)) {
      throw new CheckpointError('missing-key', `${INDEX_NAME} puts ${clipName(tensor)} in ${clipName(shard)}, which does not hold it.`, { file: shard, key: tensor });
    }
  }
  return entries;
}

/** A tensor of a shard must be listed in the index under that shard. */
function checkIndexed(weights: WeightFiles, tensor: string, shard: string, file: string): void {
  if (!weights.index) return;
  const listed = weights.index.get(tensor);
  if (listed === shard) return;
  throw new CheckpointError('header', listed === undefined
    ? `${file} holds ${clipName(tensor)}, which ${INDEX_NAME} does not list.`
    : `${file} holds ${clipName(tensor)}, but ${INDEX_NAME} puts it in ${clipName(listed)}.`, { file, key: tensor });
}

/** Detects the config flavour, parses it and builds the matching key plan. */
function configAndPlan(
  json: JsonObject, file: string, files: CheckpointFile[], keys: string[], options: ImportOptions,
): { parsed: ParsedConfig; plan: KeyPlan } {
  if (isProjectConfig(json)) {
    const warnings: string[] = [];
    const config = projectConfigFromJson(json, file, warnings);
    return { parsed: { config, warnings }, plan: identityPlan(expectedShapes(config)) };
  }
  const hf = 'model_type' in json || (!('architecture' in json) && ('architectures' in json || 'hidden_size' in json));
  if (hf) {
    const pre = pickOne(files, 'preprocessor_config.json');
    const preprocessor = pre ? parseConfigJson(pre.bytes, pre.name) : undefined;
    const parsed = parseHfConfig(json, { preprocessor, keys, numHeads: options.numHeads, file });
    return { parsed, plan: hfKeyPlan(parsed.config, keys) };
  }
  if ('architecture' in json) {
    const parsed = parseTimmConfig(json, { numHeads: options.numHeads, keys, file });
    return { parsed, plan: timmKeyPlan(parsed.config) };
  }
  throw new CheckpointError('config',
    `${file} is not a config the studio knows: expected "architecture" (timm hub), "model_type" / ` +
    '"architectures" (Hugging Face ViT/DeiT) or "format": "vit-pruning-studio".', { file });
}

/** Decodes every weight file to float32 tensors (source names). */
function readData(files: CheckpointFile[]): HostTensors {
  const out: HostTensors = new Map();
  for (const file of files) {
    for (const [name, tensor] of readSafetensors(file.bytes, file.name).tensors) out.set(name, tensor);
  }
  return out;
}
