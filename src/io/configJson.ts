import { CheckpointError } from './checkpointError';
import type { VitConfig } from '../model/vitConfig';

/** A parsed JSON object (config.json and friends). */
export type JsonObject = Record<string, unknown>;

/** The result of turning a config file into a VitConfig, with non-fatal remarks. */
export interface ParsedConfig {
  config: VitConfig;
  warnings: string[];
}

/** Most input channels a config may declare (images have 1 or 3; multispectral models a few dozen). */
export const MAX_IN_CHANS = 1024;

/** ImageNet mean/std (timm IMAGENET_DEFAULT_*; DeiT and HF DeiT processors use them). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
/** ImageNet per-channel std matching IMAGENET_MEAN. */
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** True for a plain (non-null, non-array) JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Largest config-like JSON file read (config.json, preprocessor and index files): 16 MiB. */
export const DEFAULT_MAX_CONFIG_BYTES = 16 * 2 ** 20;

/** Parses JSON bytes or text that must hold an object; otherwise CheckpointError('config'). Larger than `maxBytes` is refused unread. */
export function parseConfigJson(input: Uint8Array | string, file: string, maxBytes = DEFAULT_MAX_CONFIG_BYTES): JsonObject {
  if (input.length > maxBytes) {
    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    throw new CheckpointError('config', `${file} is ${mb(input.length)} MB, over the ${mb(maxBytes)} MB limit for a config file.`, { file });
  }
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new CheckpointError('config', `${file} is not valid UTF-8 text.`, { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CheckpointError('config', `${file} is not valid JSON (${(err as Error).message}).`, { file });
  }
  if (!isJsonObject(json)) throw new CheckpointError('config', `${file} must hold a JSON object.`, { file });
  return json;
}

/** Typed, checked reads of one JSON object's fields; errors name the file and the field path. */
export class JsonFields {
  constructor(readonly obj: JsonObject, readonly file: string, readonly path = '') {}

  /** True when `key` is present and not null (JSON null counts as absent). */
  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  /** Raw value of `key` (undefined when absent or null). */
  raw(key: string): unknown {
    return this.has(key) ? this.obj[key] : undefined;
  }

  /** A CheckpointError('config') about field `key`. */
  fail(key: string, why: string): CheckpointError {
    return new CheckpointError('config', `${this.file}: "${this.path}${key}" ${why}`, { file: this.file });
  }

  /** An integer in min..max; `fallback` when absent, else an error. */
  int(key: string, fallback?: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.present(key, fallback);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
      throw this.fail(key, `must be an integer ${range} (got ${show(v)}).`);
    }
    return v;
  }

  /** The input channel count (1..MAX_IN_CHANS: per-channel mean/std lists are allocated from it). */
  channels(key: string, fallback?: number): number {
    return this.int(key, fallback, 1, MAX_IN_CHANS);
  }

  /** A finite number > 0 (or >= 0 with allowZero). */
  positive(key: string, fallback?: number, allowZero = false): number {
    const v = this.present(key, fallback);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (v === 0 && !allowZero)) {
      throw this.fail(key, `must be a number > 0 (got ${show(v)}).`);
    }
    return v;
  }

  /** A boolean. */
  bool(key: string, fallback?: boolean): boolean {
    const v = this.present(key, fallback);
    if (typeof v !== 'boolean') throw this.fail(key, `must be true or false (got ${show(v)}).`);
    return v;
  }

  /** A string. */
  str(key: string, fallback?: string): string {
    const v = this.present(key, fallback);
    if (typeof v !== 'string') throw this.fail(key, `must be a string (got ${show(v)}).`);
    return v;
  }

  /** A size given as one integer or [height, width]. */
  size2(key: string, fallback?: [number, number]): [number, number] {
    const v = this.present(key, fallback);
    const ok = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
    if (ok(v)) return [v as number, v as number];
    if (Array.isArray(v) && v.length === 2 && v.every(ok)) return [v[0], v[1]];
    throw this.fail(key, `must be a positive integer or [height, width] (got ${show(v)}).`);
  }

  /** An array of finite numbers (or one number, returned as a 1-element array). */
  numbers(key: string): number[] {
    const v = this.present(key);
    const list = typeof v === 'number' ? [v] : v;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw this.fail(key, `must be an array of numbers (got ${show(v)}).`);
    }
    return list as number[];
  }

  /** An array of strings. */
  strings(key: string): string[] {
    const v = this.present(key);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw this.fail(key, 'must be an array of strings.');
    }
    return v as string[];
  }

  /** A nested object as JsonFields (empty when absent). */
  object(key: string): JsonFields {
    const v = this.raw(key);
    if (v === undefined) return new JsonFields({}, this.file, `${this.path}${key}.`);
    if (!isJsonObject(v)) throw this.fail(key, `must be an object (got ${show(v)}).`);
    return new JsonFields(v, this.file, `${this.path}${key}.`);
  }

  private present(key: string, fallback?: unknown): unknown {
    const v = this.raw(key);
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    throw this.fail(key, 'is missing.');
  }
}

/** Short rendering of a JSON value for error messages (deeply nested or enormous values are cut, not walked). */
export function show(value: unknown): string {
  const text = preview(value, 3);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** JSON-like text of `value` down to `depth` levels, with at most 8 items per level and 41 characters per string. */
function preview(value: unknown, depth: number): string {
  if (Array.isArray(value)) {
    if (depth === 0 || value.length === 0) return value.length === 0 ? '[]' : '[...]';
    const items = value.slice(0, 8).map((v) => preview(v, depth - 1));
    return `[${items.join(',')}${value.length > 8 ? ',...' : ''}]`;
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value);
    if (depth === 0 || keys.length === 0) return keys.length === 0 ? '{}' : '{...}';
    const items = keys.slice(0, 8).map((k) => `${preview(k, 0)}:${preview(value[k], depth - 1)}`);
    return `{${items.join(',')}${keys.length > 8 ? ',...' : ''}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 41));
  return JSON.stringify(value) ?? String(value);
}

/** Per-channel mean/std for `channels`: a 1-element list is repeated; other lengths must match. */
export function channelStats(values: number[], channels: number, what: string, file: string): number[] {
  if (values.length === channels) return values;
  if (values.length === 1) return Array.from({ length: channels }, () => values[0]);
  throw new CheckpointError('config',
    `${file}: ${what} has ${values.length} values but the model has ${channels} input channels.`, { file });
}

/** Most blocks a config may declare (per-block lists are built from it before the weights are compared). */
export const MAX_DEPTH = 1024;
/** Most heads a config may declare (per-head lists are built from it before the weights are compared). */
export const MAX_HEADS = 1024;

/** Cross-field checks every importer shares: size limits, divisibility, patch grid, mean/std, class names. */
export function checkVitConfig(cfg: VitConfig, file: string, warnings: string[]): VitConfig {
  const fail = (why: string) => new CheckpointError('config', `${file}: ${why}`, { file });
  if (cfg.depth > MAX_DEPTH) throw fail(`depth ${cfg.depth} is over the limit of ${MAX_DEPTH} blocks.`);
  if (cfg.numHeads > MAX_HEADS) throw fail(`${cfg.numHeads} heads are over the limit of ${MAX_HEADS}.`);
  if (!Number.isSafeInteger(cfg.headDim) || cfg.headDim < 1) {
    throw fail(`embed dim ${cfg.embedDim} is not divisible by ${cfg.numHeads} heads.`);
  }
  const [h, w] = cfg.imageSize;
  if (h % cfg.patchSize !== 0 || w % cfg.patchSize !== 0) {
    throw fail(`image size ${h}x${w} is not a multiple of patch size ${cfg.patchSize}.`);
  }
  const mean = channelStats(cfg.mean, cfg.inChans, 'mean', file);
  const std = channelStats(cfg.std, cfg.inChans, 'std', file);
  if (std.some((s) => !(s > 0))) throw fail(`std must be > 0 (got [${std.join(', ')}]).`);
  let classNames = cfg.classNames;
  if (classNames && classNames.length !== cfg.numClasses) {
    warnings.push(`${file} lists ${classNames.length} class names for ${cfg.numClasses} classes; names ignored.`);
    classNames = null;
  }
  return { ...cfg, mean, std, classNames };
}
