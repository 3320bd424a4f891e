/**
 * "timm-compatible" export: config.json + model.safetensors with timm's own VisionTransformer key
 * names (q/k/v fused into attn.qkv) and model_args, for models timm can express.
 *
 * timm's VisionTransformer has one embed_dim, num_heads and mlp_ratio for all blocks, a head width of
 * embed_dim / num_heads, and LayerNorm eps 1e-6. So a model is timm-compatible exactly when:
 *   - every block reads the full residual (qkv_in and fc1_in are null),
 *   - every block keeps all heads, each with its full value width (head_dim),
 *   - every block has the same MLP hidden width u (written as mlp_ratio = u / embed_dim),
 *   - head_dim * num_heads = embed_dim and layer_norm_eps = 1e-6.
 *   - every block keeps both sublayers (whole blocks dropped by pruning are fine: timm just has fewer blocks).
 * That covers rate 0 and models where only MLP hidden dims were pruned, evenly across blocks.
 * Anything else is refused (CheckpointError 'unsupported') with the reason; use the project format
 * with vtp_torch.py, ONNX or TF.js for those.
 */
import type { HostTensor, HostTensors } from '../../model/hostTensor';
import { blockDimsAt, hasAttention, hasMlp, type VitConfig } from '../../model/vitConfig';
import { expectedShapes } from '../../model/vitWeights';
import { CheckpointError } from '../checkpointError';
import { writeSafetensors } from '../safetensors';
import { timmArchitectureDefaults } from '../timmArchitectures';
import { PRODUCER_NAME } from './producer';

/** The files of a timm hub folder: config.json text and model.safetensors bytes. */
export interface TimmFiles { 'config.json': string; 'model.safetensors': Uint8Array }

/** Why timm's VisionTransformer cannot express `cfg` (empty when it can). */
export function timmIncompatibilities(cfg: VitConfig): string[] {
  const why: string[] = [];
  const D = cfg.embedDim;
  if (cfg.headDim * cfg.numHeads !== D) why.push(`head_dim ${cfg.headDim} x ${cfg.numHeads} heads is not embed_dim ${D}`);
  if (cfg.layerNormEps !== 1e-6) why.push(`LayerNorm eps is ${cfg.layerNormEps} (timm uses 1e-6)`);
  const hidden = new Set<number>();
  for (let i = 0; i < cfg.depth; i++) {
    const b = blockDimsAt(cfg, i);
    if (!hasAttention(b) || !hasMlp(b)) {
      why.push(`block ${i} has its ${hasAttention(b) ? 'MLP' : 'attention'} sublayer removed (timm blocks always have both; dropped whole blocks are fine)`);
      continue;
    }
    hidden.add(b.hidden);
    if (b.qkvIn) why.push(`block ${i} feeds q/k/v from ${b.qkvIn.length} of ${D} residual dims`);
    if (b.fc1In) why.push(`block ${i} feeds fc1 from ${b.fc1In.length} of ${D} residual dims`);
    if (b.heads.length !== cfg.numHeads) why.push(`block ${i} keeps ${b.heads.length} of ${cfg.numHeads} heads`);
    else if (b.valueWidths.some((w) => w !== cfg.headDim)) why.push(`block ${i} has value widths [${b.valueWidths}] (timm needs ${cfg.headDim} each)`);
  }
  if (hidden.size > 1) why.push(`MLP hidden widths differ across blocks (${[...hidden].join(', ')}); timm has one mlp_ratio`);
  return why;
}

/** mlp_ratio r with floor(D * r) = hidden, as timm (int(dim * mlp_ratio)) and the importer compute it. */
function mlpRatio(D: number, hidden: number): number {
  const exact = hidden / D;
  return Math.floor(D * exact) === hidden ? exact : (hidden + 0.5) / D;
}

/** A timm architecture name of the right family; model_args override its dims. */
function architectureName(cfg: VitConfig): string {
  const table = timmArchitectureDefaults(cfg.architecture);
  if (table.known && table.distilled === cfg.distilled) return cfg.architecture;
  return cfg.distilled ? 'deit_base_distilled_patch16_224' : 'vit_base_patch16_224';
}

/** timm's config.json for `cfg` (architecture + model_args + pretrained_cfg + label_names). */
function timmConfigJson(cfg: VitConfig): object {
  const input = [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]];
  const hidden = blockDimsAt(cfg, 0).hidden;
  return {
    architecture: architectureName(cfg),
    num_classes: cfg.numClasses,
    num_features: cfg.embedDim,
    global_pool: 'token',
    model_args: {
      img_size: [...cfg.imageSize], patch_size: cfg.patchSize, in_chans: cfg.inChans, num_classes: cfg.numClasses,
      embed_dim: cfg.embedDim, depth: cfg.depth, num_heads: cfg.numHeads, mlp_ratio: mlpRatio(cfg.embedDim, hidden),
      qkv_bias: cfg.qkvBias, class_token: true, global_pool: 'token',
    },
    pretrained_cfg: { input_size: input, mean: [...cfg.mean], std: [...cfg.std], num_classes: cfg.numClasses, interpolation: 'bicubic', crop_pct: 1.0 },
    ...(cfg.classNames ? { label_names: [...cfg.classNames] } : {}),
  };
}

/** Rows of several [rows, cols] tensors stacked: q; k; v -> qkv. */
function stackRows(parts: HostTensor[]): HostTensor {
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of parts) { data.set(p.data, at); at += p.data.length; }
  return { shape: [parts.reduce((n, p) => n + p.shape[0], 0), ...parts[0].shape.slice(1)], data };
}

/** The state dict under timm names. */
function timmTensors(cfg: VitConfig, tensors: HostTensors): HostTensors {
  const out: HostTensors = new Map();
  const get = (key: string) => {
    const t = tensors.get(key);
    if (!t) throw new Error(`cannot export the model: tensor ${key} is missing`);
    return t;
  };
  for (const key of expectedShapes(cfg).keys()) {
    const m = /^(blocks\.\d+\.attn\.)([qkv])\.(weight|bias)$/.exec(key);
    if (!m) out.set(key, get(key));
    else if (m[2] === 'q') out.set(`${m[1]}qkv.${m[3]}`, stackRows(['q', 'k', 'v'].map((x) => get(`${m[1]}${x}.${m[3]}`))));
  }
  return out;
}

/** config.json + model.safetensors that timm (and the studio's timm importer) load; refuses uneven models. */
export function timmCompatibleFiles(cfg: VitConfig, tensors: HostTensors): TimmFiles {
  const why = timmIncompatibilities(cfg);
  if (why.length > 0) {
    const shown = why.slice(0, 3).join('; ') + (why.length > 3 ? `; and ${why.length - 3} more` : '');
    throw new CheckpointError('unsupported',
      `this model cannot be written as a timm VisionTransformer: ${shown}. timm uses one width, head count and ` +
      'mlp_ratio for every block. Export it with format "torch" (project safetensors + vtp_torch.py), "onnx" or "tfjs" instead.');
  }
  return {
    'config.json': JSON.stringify(timmConfigJson(cfg), null, 2) + '\n',
    'model.safetensors': writeSafetensors(timmTensors(cfg, tensors), { format: 'pt', producer: PRODUCER_NAME }),
  };
}
