import { blockIndex, renamePlan, type KeyPlan } from './keyMapping';
import { expectedShapes } from '../model/vitWeights';
import type { VitConfig } from '../model/vitConfig';

/** Canonical block module -> transformers v4 module (under {prefix}encoder.layer.N.). */
const V4_BLOCK: Readonly<Record<string, string>> = {
  norm1: 'layernorm_before',
  'attn.q': 'attention.attention.query',
  'attn.k': 'attention.attention.key',
  'attn.v': 'attention.attention.value',
  'attn.proj': 'attention.output.dense',
  norm2: 'layernorm_after',
  'mlp.fc1': 'intermediate.dense',
  'mlp.fc2': 'output.dense',
};

/** Canonical block module -> transformers v5 module (under {prefix}layers.N.). */
const V5_BLOCK: Readonly<Record<string, string>> = {
  norm1: 'layernorm_before',
  'attn.q': 'attention.q_proj',
  'attn.k': 'attention.k_proj',
  'attn.v': 'attention.v_proj',
  'attn.proj': 'attention.o_proj',
  norm2: 'layernorm_after',
  'mlp.fc1': 'mlp.fc1',
  'mlp.fc2': 'mlp.fc2',
};

/** Canonical non-block names -> transformers names under the model prefix. */
const EMBEDDINGS: Readonly<Record<string, string>> = {
  cls_token: 'embeddings.cls_token',
  dist_token: 'embeddings.distillation_token',
  pos_embed: 'embeddings.position_embeddings',
  'patch_embed.proj.weight': 'embeddings.patch_embeddings.projection.weight',
  'patch_embed.proj.bias': 'embeddings.patch_embeddings.projection.bias',
  'norm.weight': 'layernorm.weight',
  'norm.bias': 'layernorm.bias',
};

/** Where the HF tensors sit: the model prefix ("vit.", "deit." or "" for a bare ViTModel) and the layout. */
export interface HfLayout {
  prefix: string;
  version: 'hf-v4' | 'hf-v5';
}

/** Detects the prefix and v4/v5 layout from the tensor names (defaults: vit./deit., v4). */
export function detectHfLayout(keys: readonly string[], distilled: boolean): HfLayout {
  let prefix: string | undefined;
  for (const key of keys) {
    const m = /^(.*?)(?:embeddings\.cls_token|embeddings\.position_embeddings|encoder\.layer\.\d+\.|layers\.\d+\.)/.exec(key);
    if (m && !m[1].includes('classifier')) { prefix = m[1]; break; }
  }
  prefix ??= distilled ? 'deit.' : 'vit.';
  const p = prefix;
  const v5 = keys.some((k) => k.startsWith(`${p}layers.`)) && !keys.some((k) => k.startsWith(`${p}encoder.layer.`));
  return { prefix, version: v5 ? 'hf-v5' : 'hf-v4' };
}

/** Key plan of a Hugging Face ViT/DeiT checkpoint; pooler and mask-token tensors are ignored. */
export function hfKeyPlan(cfg: VitConfig, keys: readonly string[]): KeyPlan {
  const { prefix, version } = detectHfLayout(keys, cfg.distilled);
  const blocks = version === 'hf-v5' ? V5_BLOCK : V4_BLOCK;
  const layer = version === 'hf-v5' ? `${prefix}layers.` : `${prefix}encoder.layer.`;
  const rename = (name: string): string => {
    const m = /^blocks\.(\d+)\.(.+)\.(weight|bias)$/.exec(name);
    if (m) return `${layer}${m[1]}.${blocks[m[2]]}.${m[3]}`;
    if (EMBEDDINGS[name]) return prefix + EMBEDDINGS[name];
    const [module, param] = name.split('.');
    if (module === 'head_dist') return `distillation_classifier.${param}`;
    return `${cfg.distilled ? 'cls_classifier' : 'classifier'}.${param}`;
  };
  const layerPattern = new RegExp(`^${escapeRegExp(layer)}(\\d+)\\.`);
  return {
    source: version,
    tensors: renamePlan(expectedShapes(cfg), rename),
    ignored: (name) => name.startsWith(`${prefix}pooler.`) || name === `${prefix}embeddings.mask_token`,
    blockOf: (name) => blockIndex(layerPattern, name),
    depthField: 'num_hidden_layers',
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
