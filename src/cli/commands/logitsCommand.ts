import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../../model/vitForward';
import { disposeVitParams, vitParams } from '../../model/vitParams';
import { loadModelDir } from '../modelDir';
import { readTensorFile, writeTensorFile } from '../tensorFile';
import { UsageError, type CliContext } from '../cliContext';

/** Images per forward pass in `vtp logits`. */
const LOGITS_BATCH = 64;

/** `vtp logits <model-dir> --input in.safetensors --out out.safetensors`: pixel_values [B,C,H,W] -> logits [B,classes]. */
export async function logitsCommand(ctx: CliContext, dir: string, opts: { input?: string; out?: string }): Promise<void> {
  if (!opts.input || !opts.out) throw new UsageError('logits needs --input <in.safetensors> and --out <out.safetensors>');
  const model = await loadModelDir(dir, ctx);
  const pixels = await readTensorFile(opts.input, 'pixel_values', 4);
  const cfg = model.config;
  const [B, C, H, W] = pixels.shape;
  if (C !== cfg.inChans || H !== cfg.imageSize[0] || W !== cfg.imageSize[1]) {
    throw new UsageError(`${opts.input}: pixel_values has shape [${pixels.shape}], the model expects [B, ${cfg.inChans}, ${cfg.imageSize[0]}, ${cfg.imageSize[1]}]`);
  }
  const params = vitParams(cfg, model.tensors);
  const out = new Float32Array(B * cfg.numClasses);
  const per = C * H * W;
  for (let start = 0; start < B; start += LOGITS_BATCH) {
    const n = Math.min(LOGITS_BATCH, B - start);
    const x = tf.tensor4d(pixels.data.subarray(start * per, (start + n) * per), [n, C, H, W]);
    const y = vitLogits(params, x); // [n, classes]
    out.set(await y.data(), start * cfg.numClasses);
    tf.dispose([x, y]);
  }
  disposeVitParams(params);
  await writeTensorFile(opts.out, new Map([['logits', { shape: [B, cfg.numClasses], data: out }]]));
  ctx.log(`wrote logits [${B}, ${cfg.numClasses}] to ${opts.out} (backend ${ctx.backend})`);
}
