/** Refuses a training run that would overflow the WASM heap, before it starts (see src/train/trainMemory.ts). */
import type { VitConfig } from '../model/vitConfig';
import { modelCost } from '../prune/costs';
import { trainMemoryProblem } from '../train/trainMemory';
import type { BackendName } from './engineApi';

/** Throws a readable error when a training step of `cfg` at `batch` cannot fit the WASM backend; other backends pass. */
export function assertTrainingFits(backend: BackendName | undefined, cfg: VitConfig, batch: number, trainWeights: boolean): void {
  if (backend !== 'wasm') return;
  const problem = trainMemoryProblem(cfg, modelCost(cfg).total.params, batch, trainWeights);
  if (problem) throw new Error(problem.charAt(0).toUpperCase() + problem.slice(1));
}
