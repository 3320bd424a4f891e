/**
 * Small synthetic checkpoints for the importer tests: random canonical tensors for a VitConfig,
 * re-laid out as timm / Hugging Face v4 / v5 state dicts (an independent mapping, written out
 * by hand, not the importer's), packed as named byte arrays.
 */
import { expect } from 'vitest';
import { CheckpointError, type CheckpointErrorCode } from '../../../src/io/checkpointError';
import type { CheckpointFile } from '../../../src/io/checkpoint';
import { writeSafetensors } from '../../../src/io/safetensors';
import type { HostTensor, HostTensors } from '../../../src/model/hostTensor';
import { vitConfig, type VitConfig } from '../../../src/model/vitConfig';
import { expectedShapes } from '../../../src/model/vitWeights';

/** A tiny full ViT: 8x8 RGB, patch 4, D 8, 2 blocks, 2 heads, MLP 16, 3 classes. */
export function tinyConfig(partial: Partial<VitConfig> = {}): VitConfig {
  return vitConfig({
    imageSize: [8, 8], patchSize: 4, inChans: 3, embedDim: 8, depth: 2, numHeads: 2, mlpHidden: 16,
    numClasses: 3, architecture: 'tiny', ...partial,
  });
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function randomData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Random tensors under the canonical names and shapes of `cfg`. */
export function canonicalTensors(cfg: VitConfig, seed = 1): HostTensors {
  const out: HostTensors = new Map();
  let i = 0;
  for (const [name, shape] of expectedShapes(cfg)) {
    out.set(name, { shape, data: randomData(shape.reduce((a, b) => a * b, 1), seed * 1000 + i++) });
  }
  return out;
}

function concatRows(parts: HostTensor[]): HostTensor {
  const rows = parts.reduce((a, p) => a + p.shape[0], 0);
  const data = new Float32Array(parts.reduce((a, p) => a + p.data.length, 0));
  let at = 0;
  for (const p of parts) { data.set(p.data, at); at += p.data.length; }
  return { shape: [rows, ...parts[0].shape.slice(1)], data };
}

/** timm layout: q, k, v stacked by rows into blocks.N.attn.qkv. */
export function toTimm(canonical: HostTensors): HostTensors {
  const out: HostTensors = new Map();
  for (const [name, t] of canonical) {
    const m = /^(blocks\.\d+\.attn\.)q\.(weight|bias)$/.exec(name);
    if (m) {
      const part = (x: string) => canonical.get(`${m[1]}${x}.${m[2]}`)!;
      out.set(`${m[1]}qkv.${m[2]}`, concatRows([part('q'), part('k'), part('v')]));
    } else if (!/^blocks\.\d+\.attn\.[kv]\./.test(name)) out.set(name, t);
  }
  return out;
}

const HF_BLOCK_V4: Record<string, string> = {
  'norm1': 'layernorm_before', 'norm2': 'layernorm_after',
  'attn.q': 'attention.attention.query', 'attn.k': 'attention.attention.key', 'attn.v': 'attention.attention.value',
  'attn.proj': 'attention.output.dense', 'mlp.fc1': 'intermediate.dense', 'mlp.fc2': 'output.dense',
};
const HF_BLOCK_V5: Record<string, string> = {
  'norm1': 'layernorm_before', 'norm2': 'layernorm_after',
  'attn.q': 'attention.q_proj', 'attn.k': 'attention.k_proj', 'attn.v': 'attention.v_proj',
  'attn.proj': 'attention.o_proj', 'mlp.fc1': 'mlp.fc1', 'mlp.fc2': 'mlp.fc2',
};

/** Hugging Face layout (v4 or v5) under `prefix` ("vit.", "deit." or ""); distilled uses cls_classifier. */
export function toHf(canonical: HostTensors, version: 'v4' | 'v5', prefix: string, distilled: boolean): HostTensors {
  const out: HostTensors = new Map();
  for (const [name, t] of canonical) {
    const block = /^blocks\.(\d+)\.(.+)\.(weight|bias)$/.exec(name);
    let hf: string;
    if (block) {
      const table = version === 'v4' ? HF_BLOCK_V4 : HF_BLOCK_V5;
      const layer = version === 'v4' ? `encoder.layer.${block[1]}` : `layers.${block[1]}`;
      hf = `${prefix}${layer}.${table[block[2]]}.${block[3]}`;
    } else if (name === 'cls_token') hf = `${prefix}embeddings.cls_token`;
    else if (name === 'dist_token') hf = `${prefix}embeddings.distillation_token`;
    else if (name === 'pos_embed') hf = `${prefix}embeddings.position_embeddings`;
    else if (name.startsWith('patch_embed.proj.')) hf = `${prefix}embeddings.patch_embeddings.projection.${name.split('.')[2]}`;
    else if (name.startsWith('norm.')) hf = `${prefix}layernorm.${name.split('.')[1]}`;
    else if (name.startsWith('head_dist.')) hf = `distillation_classifier.${name.split('.')[1]}`;
    else if (name.startsWith('head.')) hf = `${distilled ? 'cls_classifier' : 'classifier'}.${name.split('.')[1]}`;
    else throw new Error(`no HF name for ${name}`);
    out.set(hf, t);
  }
  return out;
}

/** A timm hub config.json for `cfg` with full model_args. */
export function timmJson(cfg: VitConfig, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architecture: cfg.distilled ? 'deit_tiny_distilled_patch4_8' : 'vit_tiny_patch4_8',
    num_classes: cfg.numClasses,
    model_args: {
      img_size: cfg.imageSize, patch_size: cfg.patchSize, in_chans: cfg.inChans, embed_dim: cfg.embedDim,
      depth: cfg.depth, num_heads: cfg.numHeads, mlp_ratio: cfg.mlpHidden / cfg.embedDim, qkv_bias: cfg.qkvBias,
    },
    pretrained_cfg: { input_size: [cfg.inChans, ...cfg.imageSize], mean: cfg.mean, std: cfg.std },
    ...extra,
  };
}

/** A Hugging Face config.json for `cfg`. */
export function hfJson(cfg: VitConfig, architecture: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: [architecture], model_type: cfg.distilled ? 'deit' : 'vit',
    hidden_size: cfg.embedDim, num_hidden_layers: cfg.depth, num_attention_heads: cfg.numHeads,
    intermediate_size: cfg.mlpHidden, hidden_act: 'gelu', image_size: cfg.imageSize[0], patch_size: cfg.patchSize,
    num_channels: cfg.inChans, layer_norm_eps: cfg.layerNormEps, qkv_bias: cfg.qkvBias,
    id2label: Object.fromEntries(Array.from({ length: cfg.numClasses }, (_, i) => [String(i), `class${i}`])),
    ...extra,
  };
}

/** UTF-8 bytes of a JSON value. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2));
}

/** A checkpoint folder: config.json plus model.safetensors. */
export function folder(config: unknown, tensors: HostTensors, extra: CheckpointFile[] = []): CheckpointFile[] {
  return [
    { name: 'config.json', bytes: typeof config === 'string' ? new TextEncoder().encode(config) : jsonBytes(config) },
    { name: 'model.safetensors', bytes: writeSafetensors(tensors) },
    ...extra,
  ];
}

/** Asserts that `fn` throws a CheckpointError with `code` whose message contains every `parts`. */
export function expectCheckpointError(fn: () => unknown, code: CheckpointErrorCode, ...parts: string[]): CheckpointError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a CheckpointError').toBeInstanceOf(CheckpointError);
  const error = caught as CheckpointError;
  expect(error.code, error.message).toBe(code);
  for (const part of parts) expect(error.message).toContain(part);
  return error;
}

/** Asserts two tensor maps hold the same names, shapes and bit-identical values. */
export function expectSameTensors(actual: HostTensors, expected: HostTensors): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, t] of expected) {
    const a = actual.get(name)!;
    expect(a.shape, name).toEqual(t.shape);
    expect(a.data.length, name).toBe(t.data.length);
    expect(Array.from(a.data), name).toEqual(Array.from(t.data));
  }
}
