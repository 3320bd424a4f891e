/**
 * A whole block as one kernel call ('VtpBlock', kernels/wasmBlockKernel.ts) where nothing needs a gradient:
 * on the wasm backend, with no gate, outside a gradient's forward pass. It saves the op path's ~25 tfjs
 * dispatches a block (about 10 µs each) and its layout copies, and computes a slim block's uneven value
 * heads unpadded, so a slim model's time follows its MACs more closely (bench/slimProfile.ts measures both).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BLOCK_KERNEL, type BlockKernelInputs } from './kernels/wasmBlockKernel';
import { gradientsRecorded } from './trainable';
import type { BlockParams } from './vitParams';
import type { BlockGates } from './vitGates';
import type { VitConfig } from './vitConfig';

/** The block's weights as the kernel's named inputs (present sublayers only). */
function blockInputs(block: BlockParams, x: tf.Tensor2D): BlockKernelInputs<tf.Tensor> {
  const inputs: BlockKernelInputs<tf.Tensor> = { x };
  const put = (name: keyof BlockKernelInputs<tf.Tensor>, t: tf.Tensor | null | undefined) => { if (t) inputs[name] = t; };
  const { attn: a, mlp: m } = block;
  if (a) {
    put('aGamma', a.norm1.gamma); put('aBeta', a.norm1.beta); put('aKeep', a.qkvIn?.index);
    put('wQ', a.wQ); put('bQ', a.bQ); put('wK', a.wK); put('bK', a.bK); put('wV', a.wV); put('bV', a.bV);
    put('wProj', a.wProj); put('bProj', a.bProj);
  }
  if (m) {
    put('mGamma', m.norm2.gamma); put('mBeta', m.norm2.beta); put('mKeep', m.fc1In?.index);
    put('wFc1', m.wFc1); put('bFc1', m.bFc1); put('wFc2', m.wFc2); put('bFc2', m.bFc2);
  }
  return inputs;
}

/** Whether vitBlock may run `block` on x [B*T, D] as one inference kernel: no gate, no gradient being recorded, wasm. */
export function inferenceBlockApplies(x: tf.Tensor2D, gates: BlockGates): boolean {
  if (Object.values(gates).some((g) => g !== undefined) || gradientsRecorded()) return false;
  return x.dtype === 'float32' && x.shape[1] % 4 === 0 && tf.getKernel(BLOCK_KERNEL, tf.getBackend()) !== undefined;
}

/** One block for inference: x [B*T, D] -> [B*T, D], the same maths as vitBlock's op path. */
export function inferenceBlock(cfg: VitConfig, block: BlockParams, x: tf.Tensor2D, B: number, T: number): tf.Tensor2D {
  const attrs = {
    B, T, D: x.shape[1], heads: block.attn?.values.heads ?? 0, hd: cfg.headDim, vmax: block.attn?.values.vmax ?? 0,
    valueWidths: block.attn?.values.widths ?? [],
    hidden: block.mlp?.wFc1.shape[1] ?? 0, eps: cfg.layerNormEps,
  };
  return tf.engine().runKernel(BLOCK_KERNEL, blockInputs(block, x) as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
