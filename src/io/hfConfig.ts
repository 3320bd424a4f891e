import { CheckpointError, clipName } from './checkpointError';
import {
  IMAGENET_MEAN, IMAGENET_STD, JsonFields, checkVitConfig, isJsonObject, show,
  type JsonObject, type ParsedConfig,
} from './configJson';
import { vitConfig, type VitConfig } from '../model/vitConfig';

/** Options for reading a Hugging Face ViT/DeiT config.json. */
export interface HfConfigOptions {
  /** preprocessor_config.json, for image_mean / image_std. */
  preprocessor?: JsonObject;
  /** Tensor names of the checkpoint; used to infer the architecture when "architectures" is absent. */
  keys?: readonly string[];
  /** Head count used only when config.json has no num_attention_heads. */
  numHeads?: number;
  /** File name used in messages (default "config.json"). */
  file?: string;
}

interface HfArchitecture {
  modelType: 'vit' | 'deit';
  distilled: boolean;
  hasHead: boolean;
}

/** transformers classes the studio imports. */
export const HF_ARCHITECTURES: Readonly<Record<string, HfArchitecture>> = {
  ViTForImageClassification: { modelType: 'vit', distilled: false, hasHead: true },
  ViTModel: { modelType: 'vit', distilled: false, hasHead: false },
  DeiTForImageClassificationWithTeacher: { modelType: 'deit', distilled: true, hasHead: true },
  DeiTModel: { modelType: 'deit', distilled: true, hasHead: false },
};

/** transformers classes that are refused, with the reason. */
const REFUSED: Readonly<Record<string, string>> = {
  DeiTForImageClassification:
    'it keeps a distillation token but classifies from the class token alone, while the studio\'s distilled ' +
    'DeiT averages a class head and a distillation head. Use DeiTForImageClassificationWithTeacher weights ' +
    '(e.g. facebook/deit-base-distilled-patch16-224) or a timm deit_*_distilled checkpoint',
  ViTForMaskedImageModeling: 'masked-image-modeling decoders are not supported; use ViTModel or ViTForImageClassification',
  DeiTForMaskedImageModeling: 'masked-image-modeling decoders are not supported; use DeiTModel or DeiTForImageClassificationWithTeacher',
};

/** Reads a Hugging Face ViT/DeiT config.json (+ optional preprocessor_config.json) into a VitConfig. */
export function parseHfConfig(json: JsonObject, options: HfConfigOptions = {}): ParsedConfig {
  const file = options.file ?? 'config.json';
  const f = new JsonFields(json, file);
  const warnings: string[] = [];
  const archName = architectureName(f, options.keys);
  const arch = HF_ARCHITECTURES[archName];
  const act = f.str('hidden_act', 'gelu');
  if (act !== 'gelu') {
    throw new CheckpointError('unsupported',
      `${file}: hidden_act "${clipName(act)}" is not supported; the studio's ViT uses exact (erf) GELU ("gelu").`, { file });
  }
  const inChans = f.channels('num_channels', 3);
  const labels = arch.hasHead ? labelNames(f) : null;
  const numClasses = arch.hasHead ? classCount(f, labels) : 0;
  const stats = normalisation(options.preprocessor, arch.modelType, inChans, warnings);
  const config: VitConfig = vitConfig({
    imageSize: f.size2('image_size', [224, 224]),
    patchSize: patchSize(f),
    inChans,
    embedDim: f.int('hidden_size', 768),
    depth: f.int('num_hidden_layers', 12),
    numHeads: f.int('num_attention_heads', options.numHeads ?? 12),
    mlpHidden: f.int('intermediate_size', 3072),
    numClasses,
    layerNormEps: f.positive('layer_norm_eps', 1e-12),
    qkvBias: f.bool('qkv_bias', true),
    distilled: arch.distilled,
    classNames: labels && !labels.every((l, i) => l === `LABEL_${i}`) ? labels : null,
    ...stats,
    architecture: archName,
  });
  return { config: checkVitConfig(config, file, warnings), warnings };
}

/** Convenience wrapper: the VitConfig of a Hugging Face config.json (warnings dropped). */
export function hfConfigFromJson(json: JsonObject, options: HfConfigOptions = {}): VitConfig {
  return parseHfConfig(json, options).config;
}

/** The supported transformers class: "architectures"[0], else inferred from model_type and the keys. */
function architectureName(f: JsonFields, keys: readonly string[] | undefined): string {
  const modelType = f.has('model_type') ? f.str('model_type') : undefined;
  if (modelType !== undefined && modelType !== 'vit' && modelType !== 'deit') {
    throw new CheckpointError('unsupported',
      `${f.file}: model_type "${clipName(modelType)}" is not supported; the studio imports ViT and DeiT ("vit", "deit").`,
      { file: f.file });
  }
  const listed = f.has('architectures') ? f.strings('architectures')[0] : undefined;
  const name = listed ?? inferArchitecture(modelType, keys, f.has('id2label'));
  if (REFUSED[name]) throw new CheckpointError('unsupported', `${f.file}: ${name} is not supported: ${REFUSED[name]}.`, { file: f.file });
  const arch = HF_ARCHITECTURES[name];
  if (!arch) {
    throw new CheckpointError('unsupported',
      `${f.file}: architecture "${clipName(name)}" is not supported; expected one of ${Object.keys(HF_ARCHITECTURES).join(', ')}.`,
      { file: f.file });
  }
  if (modelType !== undefined && modelType !== arch.modelType) {
    throw f.fail('model_type', `is "${modelType}" but the architecture ${name} is a "${arch.modelType}" model.`);
  }
  return name;
}

/** Architecture from the heads present in the weights (or id2label when no keys are given). */
function inferArchitecture(modelType: string | undefined, keys: readonly string[] | undefined, labelled: boolean): string {
  const deit = modelType === 'deit' || (keys ?? []).some((k) => k.endsWith('embeddings.distillation_token'));
  const has = (suffix: string) => (keys ?? []).some((k) => k === suffix || k.endsWith(`.${suffix}`));
  if (has('distillation_classifier.weight')) return 'DeiTForImageClassificationWithTeacher';
  if (has('classifier.weight')) return deit ? 'DeiTForImageClassification' : 'ViTForImageClassification';
  if (keys) return deit ? 'DeiTModel' : 'ViTModel';
  if (deit) return labelled ? 'DeiTForImageClassificationWithTeacher' : 'DeiTModel';
  return labelled ? 'ViTForImageClassification' : 'ViTModel';
}

/** Square patch side from patch_size (an integer or [p, p]). */
function patchSize(f: JsonFields): number {
  const [ph, pw] = f.size2('patch_size', [16, 16]);
  if (ph !== pw) {
    throw new CheckpointError('unsupported', `${f.file}: non-square patches ${ph}x${pw} are not supported.`, { file: f.file });
  }
  return ph;
}

/** Class names from id2label ordered by id (ids must be 0..n-1), or null when absent. */
function labelNames(f: JsonFields): string[] | null {
  const raw = f.raw('id2label');
  if (raw === undefined) return null;
  if (!isJsonObject(raw)) throw f.fail('id2label', 'must be an object mapping ids to names.');
  const entries = Object.entries(raw);
  const names: string[] = new Array(entries.length);
  for (const [id, name] of entries) {
    const i = Number(id);
    if (!/^\d+$/.test(id) || i >= entries.length || names[i] !== undefined) {
      throw f.fail('id2label', `must use the ids 0..${entries.length - 1} once each (found "${clipName(id)}").`);
    }
    if (typeof name !== 'string') throw f.fail('id2label', `maps "${clipName(id)}" to ${show(name)}, not a string.`);
    names[i] = name;
  }
  return names;
}

/** Class count from num_labels and/or id2label (transformers' default is 2). */
function classCount(f: JsonFields, labels: string[] | null): number {
  if (!f.has('num_labels')) return labels ? labels.length : 2;
  const n = f.int('num_labels');
  if (labels && labels.length !== n) throw f.fail('num_labels', `is ${n} but id2label has ${labels.length} entries.`);
  return n;
}

/**
 * mean/std from preprocessor_config.json, else the processor defaults (0.5 for ViT, ImageNet for DeiT),
 * then marked assumed with a warning that says what was guessed.
 */
function normalisation(
  pre: JsonObject | undefined, modelType: string, channels: number, warnings: string[],
): { mean: number[]; std: number[]; normalisationAssumed: boolean } {
  const fill = (v: number) => Array.from({ length: channels }, () => v);
  const rgb = channels === 3 && modelType === 'deit';
  const fallback = { mean: rgb ? [...IMAGENET_MEAN] : fill(0.5), std: rgb ? [...IMAGENET_STD] : fill(0.5) };
  const guessed = (what: string) => {
    warnings.push(`${what}: assumed mean ${fallback.mean.join(', ')} and std ${fallback.std.join(', ')} (the ${rgb ? 'DeiT (ImageNet)' : 'ViT'} processor default); set them if the model was trained with others.`);
    return { ...fallback, normalisationAssumed: true };
  };
  if (!pre) return guessed('no preprocessor_config.json');
  const p = new JsonFields(pre, 'preprocessor_config.json');
  if (p.has('do_normalize') && !p.bool('do_normalize')) {
    warnings.push('preprocessor_config.json has do_normalize = false; using mean 0, std 1.');
    return { mean: fill(0), std: fill(1), normalisationAssumed: false };
  }
  const given = { mean: p.has('image_mean') ? p.numbers('image_mean') : fallback.mean, std: p.has('image_std') ? p.numbers('image_std') : fallback.std };
  if (p.has('image_mean') && p.has('image_std')) return { ...given, normalisationAssumed: false };
  warnings.push(`preprocessor_config.json lacks ${p.has('image_mean') ? 'image_std' : 'image_mean'}: assumed mean ${given.mean.join(', ')} and std ${given.std.join(', ')}; set them if the model was trained with others.`);
  return { ...given, normalisationAssumed: true };
}
