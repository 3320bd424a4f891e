import { blockIndex, type KeyPlan, type SourceTensor } from './keyMapping';
import { expectedShapes } from '../model/vitWeights';
import type { VitConfig } from '../model/vitConfig';

const QKV_PART = /^(blocks\.\d+\.attn\.)([qkv])\.(weight|bias)$/;

/** Key plan of a timm checkpoint: canonical names, except q/k/v stacked by rows in attn.qkv ([q; k; v]). */
export function timmKeyPlan(cfg: VitConfig): KeyPlan {
  const tensors = new Map<string, SourceTensor>();
  for (const [name, shape] of expectedShapes(cfg)) {
    const m = QKV_PART.exec(name);
    if (!m) {
      tensors.set(name, { shape, targets: [{ name, rowStart: 0, rowEnd: shape[0] ?? 1 }] });
      continue;
    }
    const sourceName = `${m[1]}qkv.${m[3]}`;
    const entry = tensors.get(sourceName) ?? { shape: [0, ...shape.slice(1)], targets: [] };
    const rowStart = entry.shape[0];
    entry.targets.push({ name, rowStart, rowEnd: rowStart + shape[0] });
    entry.shape = [rowStart + shape[0], ...shape.slice(1)];
    tensors.set(sourceName, entry);
  }
  return {
    source: 'timm',
    tensors,
    ignored: () => false,
    blockOf: (name) => blockIndex(/^blocks\.(\d+)\./, name),
    depthField: 'depth',
  };
}
