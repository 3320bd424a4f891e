/**
 * Folding the learned scalar gate g of a sublayer (score training with sublayerGates) into its output layer:
 * g·(W·h + b) = (g·W)·h + g·b, exactly, so proj (attention) or fc2 (MLP) weight [D, in] and bias [D] are scaled by g.
 * A sublayer removed later still adds g·b (its gated output with every dim masked), which is what gets folded then.
 */
import type { HostTensor, HostTensors } from '../model/hostTensor';
import { SUBLAYER_PARTS } from '../model/gateLayout';
import { sublayerOutputLayer } from './sublayerRemoval';
import type { SublayerGateValues } from './scoreSet';

/** Every value of a host tensor times `g` (a new tensor). */
function times(t: HostTensor, g: number): HostTensor {
  return { shape: t.shape, data: Float32Array.from(t.data, (v) => v * g) };
}

/**
 * `host` with every learned sublayer gate (index = block) folded into that sublayer's output weight and bias; the
 * same map when there is none. Blocks or sublayers without a gate (or without the layer) are left as they are.
 */
export function foldSublayerGates(host: HostTensors, gates: readonly (SublayerGateValues | undefined)[]): HostTensors {
  if (!gates.some((g) => g && Object.keys(g).length > 0)) return host;
  const out: HostTensors = new Map(host);
  gates.forEach((g, i) => {
    for (const part of SUBLAYER_PARTS) {
      const value = g?.[part];
      if (value === undefined) continue;
      for (const key of [`${sublayerOutputLayer(i, part)}.weight`, `${sublayerOutputLayer(i, part)}.bias`]) {
        const t = host.get(key);
        if (t) out.set(key, times(t, value));
      }
    }
  });
  return out;
}
