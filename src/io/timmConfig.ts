import { CheckpointError, clipName } from './checkpointError';
import {
  IMAGENET_MEAN, IMAGENET_STD, JsonFields, checkVitConfig, isJsonObject, show,
  type JsonObject, type ParsedConfig,
} from './configJson';
import { resolveTimmDims, timmArchitectureDefaults } from './timmArchitectures';
import { vitConfig, type VitConfig } from '../model/vitConfig';

/** Options for reading a timm hub config.json. */
export interface TimmConfigOptions {
  /** Head count from the user (a CLI flag / UI field); wins over model_args and the table. */
  numHeads?: number;
  /** Tensor names of the checkpoint; lets a missing qkv_bias be inferred from the weights. */
  keys?: readonly string[];
  /** File name used in messages (default "config.json"). */
  file?: string;
}

interface ArgRule {
  key: string;
  ok: (v: unknown) => boolean;
  why: string;
}

/** model_args the studio's ViT cannot honour, each with the reason given to the user. */
const UNSUPPORTED_ARGS: ArgRule[] = [
  { key: 'global_pool', ok: (v) => v === undefined || v === 'token', why: 'the studio classifies from the class token only (global_pool "token")' },
  { key: 'class_token', ok: (v) => v === undefined || v === true, why: 'models without a class token are not supported' },
  { key: 'no_embed_class', ok: (v) => v === undefined || v === false, why: 'position embeddings must include the class token' },
  { key: 'pre_norm', ok: (v) => v === undefined || v === false, why: 'a LayerNorm before the blocks (CLIP-style) is not supported' },
  { key: 'fc_norm', ok: (v) => v === undefined || v === false, why: 'a norm after pooling (fc_norm) is not supported' },
  { key: 'reg_tokens', ok: (v) => v === undefined || v === 0, why: 'register tokens are not supported' },
  { key: 'init_values', ok: (v) => v === undefined || v === 0, why: 'LayerScale (init_values) is not supported' },
  { key: 'qk_norm', ok: (v) => v === undefined || v === false, why: 'q/k normalisation is not supported' },
  { key: 'proj_bias', ok: (v) => v === undefined || v === true, why: 'attention output projections must have a bias' },
  { key: 'act_layer', ok: (v) => v === undefined || v === 'gelu', why: 'only exact (erf) GELU is supported' },
  { key: 'norm_layer', ok: (v) => v === undefined || v === 'layernorm', why: 'only LayerNorm is supported' },
  { key: 'pos_embed', ok: (v) => v === undefined || v === 'learn', why: 'only learned position embeddings are supported' },
  { key: 'final_norm', ok: (v) => v === undefined || v === true, why: 'the final LayerNorm is required' },
  { key: 'embed_layer', ok: (v) => v === undefined, why: 'custom patch embeddings are not supported' },
  { key: 'block_fn', ok: (v) => v === undefined, why: 'custom blocks are not supported' },
  { key: 'mlp_layer', ok: (v) => v === undefined, why: 'custom MLPs are not supported' },
  { key: 'embed_norm_layer', ok: (v) => v === undefined, why: 'a norm after the patch embedding is not supported' },
  { key: 'attn_pool_num_heads', ok: (v) => v === undefined, why: 'attention pooling is not supported' },
];

/** model_args read by the importer, plus training-only ones that do not change inference. */
const KNOWN_ARGS = new Set([
  ...UNSUPPORTED_ARGS.map((r) => r.key),
  'img_size', 'patch_size', 'in_chans', 'num_classes', 'embed_dim', 'depth', 'num_heads', 'mlp_ratio',
  'qkv_bias', 'dynamic_img_size', 'dynamic_img_pad', 'strict_img_size', 'output_fmt', 'weight_init',
  'fix_init', 'drop_rate', 'pos_drop_rate', 'patch_drop_rate', 'proj_drop_rate', 'attn_drop_rate',
  'drop_path_rate',
]);

/** Reads a timm hub config.json (architecture, num_classes, model_args, pretrained_cfg, label names). */
export function parseTimmConfig(json: JsonObject, options: TimmConfigOptions = {}): ParsedConfig {
  const file = options.file ?? 'config.json';
  const top = new JsonFields(json, file);
  const args = top.object('model_args');
  const pre = top.object('pretrained_cfg');
  const warnings: string[] = [];
  const architecture = top.str('architecture');
  checkSupported(top, args, architecture, file);
  for (const key of Object.keys(args.obj)) {
    if (!KNOWN_ARGS.has(key)) warnings.push(`model_args.${key} is not known to the studio and was ignored.`);
  }
  const table = timmArchitectureDefaults(architecture);
  const dims = resolveTimmDims(architecture, {
    embedDim: args.has('embed_dim') ? args.int('embed_dim') : undefined,
    depth: args.has('depth') ? args.int('depth') : undefined,
    numHeads: args.has('num_heads') ? args.int('num_heads') : undefined,
  }, checkFlag(options.numHeads, file), file);
  noteHeadsOverride(options.numHeads, args, table.numHeads, warnings);
  const input = inputSize(pre, args);
  const inChans = args.channels('in_chans', input?.[0] ?? 3);
  const imageSize = args.has('img_size') ? args.size2('img_size') : input
    ? [input[1], input[2]] as [number, number] : [table.imgSize ?? 224, table.imgSize ?? 224] as [number, number];
  const patchSize = args.int('patch_size', table.patchSize ?? 16);
  const numClasses = args.has('num_classes') ? args.int('num_classes', undefined, 0)
    : top.int('num_classes', pre.has('num_classes') ? pre.int('num_classes', undefined, 0) : 1000, 0);
  const imagenet = table.family === 'deit';
  const config: VitConfig = vitConfig({
    imageSize, patchSize, inChans, ...dims,
    mlpHidden: Math.floor(dims.embedDim * args.positive('mlp_ratio', table.mlpRatio)),
    numClasses, layerNormEps: 1e-6,
    qkvBias: qkvBias(args, options.keys, warnings),
    distilled: table.distilled,
    classNames: classNames(top),
    ...timmNormalisation(pre, inChans, imagenet, warnings),
    architecture,
  });
  return { config: checkVitConfig(config, file, warnings), warnings };
}

/** Convenience wrapper: the VitConfig of a timm config.json (warnings dropped). */
export function timmConfigFromJson(json: JsonObject, options: TimmConfigOptions = {}): VitConfig {
  return parseTimmConfig(json, options).config;
}

/** Throws CheckpointError('unsupported') for the first model_args option the studio cannot run. */
function checkSupported(top: JsonFields, args: JsonFields, architecture: string, file: string): void {
  for (const rule of UNSUPPORTED_ARGS) {
    const fromTop = rule.key === 'global_pool' && !args.has('global_pool');
    const value = fromTop ? top.raw('global_pool') : args.raw(rule.key);
    if (rule.ok(value)) continue;
    const where = fromTop ? '"global_pool"' : `model_args.${rule.key}`;
    throw new CheckpointError('unsupported',
      `${file}: ${clipName(architecture)} has ${where} = ${show(value)}; ${rule.why}.`, { file });
  }
  if (/^(deit3|eva)/i.test(architecture)) {
    throw new CheckpointError('unsupported', `${file}: ${clipName(architecture)} uses LayerScale or other blocks the studio does not support.`, { file });
  }
}

/** The numHeads option, which must be a positive integer when given. */
function checkFlag(numHeads: number | undefined, file: string): number | undefined {
  if (numHeads === undefined) return undefined;
  if (!Number.isSafeInteger(numHeads) || numHeads < 1) {
    throw new CheckpointError('config', `the numHeads option must be a positive integer (got ${numHeads}).`, { file });
  }
  return numHeads;
}

/** Warns when the numHeads option overrides a different head count from model_args or the table. */
function noteHeadsOverride(flag: number | undefined, args: JsonFields, table: number | undefined, warnings: string[]): void {
  if (flag === undefined) return;
  const other = args.has('num_heads') ? args.raw('num_heads') : table;
  if (other !== undefined && other !== flag) warnings.push(`numHeads option ${flag} overrides num_heads ${show(other)}.`);
}

/** pretrained_cfg.input_size as [C, H, W], or null when absent. */
function inputSize(pre: JsonFields, args: JsonFields): [number, number, number] | null {
  if (!pre.has('input_size')) return null;
  const v = pre.numbers('input_size');
  if (v.length !== 3 || !v.every((x) => Number.isSafeInteger(x) && x >= 1)) {
    throw pre.fail('input_size', `must be [channels, height, width] (got ${show(v)}).`);
  }
  if (args.has('in_chans') && args.int('in_chans') !== v[0]) {
    throw pre.fail('input_size', `has ${v[0]} channels but model_args.in_chans is ${show(args.raw('in_chans'))}.`);
  }
  return [v[0], v[1], v[2]];
}

/** qkv_bias from model_args; when absent and the weights carry no qkv bias at all, false (with a warning). */
function qkvBias(args: JsonFields, keys: readonly string[] | undefined, warnings: string[]): boolean {
  if (args.has('qkv_bias')) return args.bool('qkv_bias');
  if (!keys) return true;
  const hasQkv = keys.some((k) => /^blocks\.\d+\.attn\.qkv\.weight$/.test(k));
  if (!hasQkv || keys.some((k) => /^blocks\.\d+\.attn\.qkv\.bias$/.test(k))) return true;
  warnings.push('the weights have no q/k/v biases; using qkv_bias = false (model_args.qkv_bias is not set).');
  return false;
}

/** Class names from "label_names", else "label_descriptions" (array, or object values in order). */
function classNames(top: JsonFields): string[] | null {
  if (top.has('label_names')) return top.strings('label_names');
  const desc = top.raw('label_descriptions');
  if (Array.isArray(desc)) return top.strings('label_descriptions');
  if (isJsonObject(desc)) {
    const values = Object.values(desc);
    if (values.every((v) => typeof v === 'string')) return values as string[];
    throw top.fail('label_descriptions', 'must map labels to strings.');
  }
  if (desc !== undefined) throw top.fail('label_descriptions', 'must be an array or an object of strings.');
  return null;
}

/** pretrained_cfg mean/std, else the family default (ImageNet's for DeiT RGB, 0.5 otherwise) marked assumed, with a warning. */
function timmNormalisation(pre: JsonFields, inChans: number, imagenet: boolean, warnings: string[]):
  { mean: number[]; std: number[]; normalisationAssumed: boolean } {
  const mean = pre.has('mean') ? pre.numbers('mean') : defaultStats(inChans, imagenet ? IMAGENET_MEAN : null);
  const std = pre.has('std') ? pre.numbers('std') : defaultStats(inChans, imagenet ? IMAGENET_STD : null);
  if (pre.has('mean') && pre.has('std')) return { mean, std, normalisationAssumed: false };
  warnings.push(`config.json gives no pretrained_cfg mean/std: assumed mean ${mean.join(', ')} and std ${std.join(', ')}; set them if the model was trained with others.`);
  return { mean, std, normalisationAssumed: true };
}

/** Default per-channel stats: the given 3-channel list for RGB, else 0.5 for every channel. */
function defaultStats(channels: number, rgb: number[] | null): number[] {
  return rgb && channels === 3 ? [...rgb] : Array.from({ length: channels }, () => 0.5);
}
