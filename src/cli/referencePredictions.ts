import { disposeVitParams, vitParams } from '../model/vitParams';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import type { ImageDataset } from '../data/imageDataset';
import { topPredictions } from '../train/agreement';

/** Top-1 class [n] of a (reference, usually unpruned) model on the first `limit` images of `ds`, for agreement. */
export async function referencePredictions(cfg: VitConfig, tensors: HostTensors, ds: ImageDataset, limit: number | null): Promise<Int32Array> {
  const params = vitParams(cfg, tensors);
  try {
    return await topPredictions(params, ds, cfg, { limit });
  } finally {
    disposeVitParams(params);
  }
}
