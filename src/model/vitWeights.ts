import { blockDimsAt, hasAttention, hasMlp, patchCount, prefixTokenCount, type VitConfig } from './vitConfig';

/**
 * Canonical tensor names and PyTorch-order shapes of a (possibly slim) ViT, the project's own
 * checkpoint layout: timm names, with q/k/v split because a slim block has uneven widths.
 * Per block i (k kept qkv inputs, h' kept heads, V = sum of value widths, m kept fc1 inputs, u hidden):
 *   blocks.i.attn.q.weight [h'*hd, k]   blocks.i.attn.k.weight [h'*hd, k]   blocks.i.attn.v.weight [V, k]
 *   blocks.i.attn.proj.weight [D, V]    blocks.i.mlp.fc1.weight [u, m]      blocks.i.mlp.fc2.weight [D, u]
 * A removed sublayer has no tensors at all (its LayerNorm, weights and biases are gone).
 */
export function expectedShapes(cfg: VitConfig): Map<string, number[]> {
  const D = cfg.embedDim;
  const shapes = new Map<string, number[]>();
  shapes.set('cls_token', [1, 1, D]);
  if (cfg.distilled) shapes.set('dist_token', [1, 1, D]);
  shapes.set('pos_embed', [1, patchCount(cfg) + prefixTokenCount(cfg), D]);
  shapes.set('patch_embed.proj.weight', [D, cfg.inChans, cfg.patchSize, cfg.patchSize]);
  shapes.set('patch_embed.proj.bias', [D]);
  for (let i = 0; i < cfg.depth; i++) {
    const dims = blockDimsAt(cfg, i);
    const k = dims.qkvIn ? dims.qkvIn.length : D;
    const qk = dims.heads.length * cfg.headDim;
    const v = dims.valueWidths.reduce((a, b) => a + b, 0);
    const m = dims.fc1In ? dims.fc1In.length : D;
    const p = `blocks.${i}.`;
    if (hasAttention(dims)) {
      shapes.set(p + 'norm1.weight', [D]);
      shapes.set(p + 'norm1.bias', [D]);
      shapes.set(p + 'attn.q.weight', [qk, k]);
      shapes.set(p + 'attn.k.weight', [qk, k]);
      shapes.set(p + 'attn.v.weight', [v, k]);
      if (cfg.qkvBias) {
        shapes.set(p + 'attn.q.bias', [qk]);
        shapes.set(p + 'attn.k.bias', [qk]);
        shapes.set(p + 'attn.v.bias', [v]);
      }
      shapes.set(p + 'attn.proj.weight', [D, v]);
      shapes.set(p + 'attn.proj.bias', [D]);
    }
    if (!hasMlp(dims)) continue;
    shapes.set(p + 'norm2.weight', [D]);
    shapes.set(p + 'norm2.bias', [D]);
    shapes.set(p + 'mlp.fc1.weight', [dims.hidden, m]);
    shapes.set(p + 'mlp.fc1.bias', [dims.hidden]);
    shapes.set(p + 'mlp.fc2.weight', [D, dims.hidden]);
    shapes.set(p + 'mlp.fc2.bias', [D]);
  }
  shapes.set('norm.weight', [D]);
  shapes.set('norm.bias', [D]);
  if (cfg.numClasses > 0) {
    shapes.set('head.weight', [cfg.numClasses, D]);
    shapes.set('head.bias', [cfg.numClasses]);
    if (cfg.distilled) {
      shapes.set('head_dist.weight', [cfg.numClasses, D]);
      shapes.set('head_dist.bias', [cfg.numClasses]);
    }
  }
  return shapes;
}
