import { CheckpointError } from './checkpointError';
import { JsonFields, checkVitConfig, isJsonObject, show, type JsonObject } from './configJson';
import type { BlockDims, HeadOrigin, VitConfig } from '../model/vitConfig';

/** Value of "format" in the studio's own config.json. */
export const PROJECT_FORMAT = 'vit-pruning-studio';
/** The format_version this code writes (and the newest it reads). */
export const PROJECT_FORMAT_VERSION = 1;

/** JSON form of one block's dims (see BlockDims). */
export interface ProjectBlockJson {
  qkv_in: number[] | null;
  heads: number[];
  value_widths: number[];
  fc1_in: number[] | null;
  hidden: number;
}

/** The studio's config.json, as written by projectConfigToJson. */
export interface ProjectConfigJson {
  format: typeof PROJECT_FORMAT;
  format_version: number;
  architecture: string;
  num_classes: number;
  label_names: string[] | null;
  img_size: [number, number];
  patch_size: number;
  in_chans: number;
  embed_dim: number;
  depth: number;
  num_heads: number;
  head_dim: number;
  mlp_hidden: number;
  qkv_bias: boolean;
  layer_norm_eps: number;
  distilled: boolean;
  block_dims: ProjectBlockJson[] | null;
  /** Original indices of blocks dropped by pruning (both sublayers removed); absent = none. */
  dropped_blocks?: number[];
  /** normalisation_assumed: the mean/std were guessed when the model was first imported (absent = given). */
  pretrained_cfg: { input_size: [number, number, number]; mean: number[]; std: number[]; normalisation_assumed?: boolean };
  /** Present when the classifier head is new (fitted by `vtp new-head` or the studio), not the checkpoint's. */
  head?: ProjectHeadJson;
}

/** JSON form of HeadOrigin. */
export interface ProjectHeadJson { source: 'new'; fitted_on: string; train_images: number; val_images: number; val_accuracy: number | null }

/** True when a parsed config.json declares the studio's own format. */
export function isProjectConfig(json: JsonObject): boolean {
  return json['format'] === PROJECT_FORMAT;
}

/** The studio's config.json for `cfg` (the inverse of projectConfigFromJson). */
export function projectConfigToJson(cfg: VitConfig): ProjectConfigJson {
  return {
    format: PROJECT_FORMAT,
    format_version: PROJECT_FORMAT_VERSION,
    architecture: cfg.architecture,
    num_classes: cfg.numClasses,
    label_names: cfg.classNames ? [...cfg.classNames] : null,
    img_size: [cfg.imageSize[0], cfg.imageSize[1]],
    patch_size: cfg.patchSize,
    in_chans: cfg.inChans,
    embed_dim: cfg.embedDim,
    depth: cfg.depth,
    num_heads: cfg.numHeads,
    head_dim: cfg.headDim,
    mlp_hidden: cfg.mlpHidden,
    qkv_bias: cfg.qkvBias,
    layer_norm_eps: cfg.layerNormEps,
    distilled: cfg.distilled,
    block_dims: cfg.blocks ? cfg.blocks.map(blockToJson) : null,
    ...(cfg.droppedBlocks && cfg.droppedBlocks.length > 0 ? { dropped_blocks: [...cfg.droppedBlocks] } : {}),
    pretrained_cfg: {
      input_size: [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]], mean: [...cfg.mean], std: [...cfg.std],
      ...(cfg.normalisationAssumed ? { normalisation_assumed: true } : {}),
    },
    ...(cfg.headOrigin ? { head: headToJson(cfg.headOrigin) } : {}),
  };
}

function headToJson(h: HeadOrigin): ProjectHeadJson {
  return { source: h.source, fitted_on: h.fittedOn, train_images: h.trainImages, val_images: h.valImages, val_accuracy: h.valAccuracy };
}

/** The "head" entry: absent = the checkpoint's own head; else a new head's origin. */
function headOrigin(f: JsonFields): HeadOrigin | null {
  if (!f.has('head')) return null;
  const h = f.object('head');
  if (h.str('source') !== 'new') throw h.fail('source', 'must be "new".');
  const acc = h.has('val_accuracy') ? h.positive('val_accuracy', undefined, true) : null;
  return {
    source: 'new', fittedOn: h.str('fitted_on', ''), trainImages: h.int('train_images', 0, 0), valImages: h.int('val_images', 0, 0),
    valAccuracy: acc,
  };
}

function blockToJson(b: BlockDims): ProjectBlockJson {
  return {
    qkv_in: b.qkvIn ? [...b.qkvIn] : null,
    heads: [...b.heads],
    value_widths: [...b.valueWidths],
    fc1_in: b.fc1In ? [...b.fc1In] : null,
    hidden: b.hidden,
  };
}

/** Validates the studio's config.json and returns its VitConfig; CheckpointError('config'/'unsupported'). */
export function projectConfigFromJson(json: JsonObject, file = 'config.json', warnings: string[] = []): VitConfig {
  const f = new JsonFields(json, file);
  if (f.str('format') !== PROJECT_FORMAT) throw f.fail('format', `must be "${PROJECT_FORMAT}".`);
  const version = f.int('format_version');
  if (version > PROJECT_FORMAT_VERSION) {
    throw new CheckpointError('unsupported',
      `${file} has format_version ${version}; it was saved by a newer version of the studio (this one reads ` +
      `version ${PROJECT_FORMAT_VERSION}).`, { file });
  }
  const embedDim = f.int('embed_dim');
  const numHeads = f.int('num_heads');
  const headDim = f.int('head_dim');
  const depth = f.int('depth');
  const inChans = f.channels('in_chans');
  const imageSize = f.size2('img_size');
  const pre = f.object('pretrained_cfg');
  checkInputSize(pre, inChans, imageSize);
  const numClasses = f.int('num_classes', undefined, 0);
  const cfg: VitConfig = {
    imageSize, patchSize: f.int('patch_size'), inChans, embedDim, depth, numHeads, headDim,
    mlpHidden: f.int('mlp_hidden'), numClasses, layerNormEps: f.positive('layer_norm_eps'),
    qkvBias: f.bool('qkv_bias'), distilled: f.bool('distilled'),
    blocks: blockDims(f, depth, embedDim, numHeads, headDim),
    classNames: f.has('label_names') ? f.strings('label_names') : null,
    mean: pre.numbers('mean'), std: pre.numbers('std'),
    normalisationAssumed: pre.has('normalisation_assumed') ? pre.bool('normalisation_assumed') : false,
    architecture: f.str('architecture', 'vit'),
  };
  const origin = headOrigin(f);
  if (origin) cfg.headOrigin = origin;
  if (f.has('dropped_blocks')) cfg.droppedBlocks = droppedBlocks(f, depth);
  if (cfg.classNames && cfg.classNames.length !== numClasses) {
    throw f.fail('label_names', `has ${cfg.classNames.length} names but num_classes is ${numClasses}.`);
  }
  return checkVitConfig(cfg, file, warnings);
}

/** pretrained_cfg.input_size, when present, must be [in_chans, h, w]. */
function checkInputSize(pre: JsonFields, inChans: number, [h, w]: [number, number]): void {
  if (!pre.has('input_size')) return;
  const v = pre.numbers('input_size');
  if (v.length !== 3 || v[0] !== inChans || v[1] !== h || v[2] !== w) {
    throw pre.fail('input_size', `is ${show(v)} but in_chans/img_size say [${inChans}, ${h}, ${w}].`);
  }
}

/** block_dims: null, or one validated entry per block. */
function blockDims(f: JsonFields, depth: number, embedDim: number, numHeads: number, headDim: number): BlockDims[] | null {
  const raw = f.raw('block_dims');
  if (raw === undefined) return null;
  if (!Array.isArray(raw)) throw f.fail('block_dims', 'must be null or an array with one entry per block.');
  if (raw.length !== depth) throw f.fail('block_dims', `has ${raw.length} entries but depth is ${depth}.`);
  return raw.map((entry, i) => {
    if (!isJsonObject(entry)) throw f.fail(`block_dims[${i}]`, 'must be an object.');
    return oneBlock(new JsonFields(entry, f.file, `block_dims[${i}].`), embedDim, numHeads, headDim);
  });
}

/** dropped_blocks: unique ascending original block indices (the original model had depth + their count blocks). */
function droppedBlocks(f: JsonFields, depth: number): number[] {
  const list = f.numbers('dropped_blocks');
  return list.length === 0 ? [] : indexList(f, 'dropped_blocks', depth + list.length);
}

/**
 * One block's dims, with index lists checked for range, order and uniqueness. A removed attention has
 * heads [] (value_widths [], qkv_in [] or null); a removed MLP has hidden 0 (fc1_in [] or null).
 */
function oneBlock(b: JsonFields, embedDim: number, numHeads: number, headDim: number): BlockDims {
  const heads = b.numbers('heads').length === 0 ? [] : indexList(b, 'heads', numHeads);
  const attn = heads.length > 0;
  const qkvIn = !attn ? [] : b.has('qkv_in') ? indexList(b, 'qkv_in', embedDim) : null;
  const valueWidths = b.numbers('value_widths');
  if (valueWidths.length !== heads.length) {
    throw b.fail('value_widths', `has ${valueWidths.length} entries but heads has ${heads.length}.`);
  }
  if (!valueWidths.every((v) => Number.isSafeInteger(v) && v >= 1 && v <= headDim)) {
    throw b.fail('value_widths', `entries must be integers in 1..${headDim} (got ${show(valueWidths)}).`);
  }
  const hidden = b.int('hidden', undefined, 0);
  const fc1In = hidden === 0 ? [] : b.has('fc1_in') ? indexList(b, 'fc1_in', embedDim) : null;
  return { qkvIn, heads, valueWidths, fc1In, hidden };
}

/** A non-empty, strictly ascending list of integers in 0..limit-1. */
function indexList(b: JsonFields, key: string, limit: number): number[] {
  const list = b.numbers(key);
  if (list.length === 0) throw b.fail(key, 'must keep at least one entry.');
  list.forEach((v, i) => {
    if (!Number.isSafeInteger(v) || v < 0 || v >= limit) {
      throw b.fail(key, `entry ${show(v)} is not an integer in 0..${limit - 1}.`);
    }
    if (i > 0 && v <= list[i - 1]) {
      throw b.fail(key, `must be unique and ascending (${list[i - 1]} is followed by ${v}).`);
    }
  });
  return list;
}
