import { projectConfigToJson } from './projectConfig';
import { writeSafetensors } from './safetensors';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import { expectedShapes } from '../model/vitWeights';

/** The files of a model in the studio's own format: config.json text and model.safetensors bytes. */
export interface ProjectModelFiles { 'config.json': string; 'model.safetensors': Uint8Array }

/** Serialises a (slim) model in the project format that importCheckpoint reads back (canonical names, F32). */
export function projectModelFiles(cfg: VitConfig, tensors: HostTensors, metadata: Record<string, string> = {}): ProjectModelFiles {
  const ordered: HostTensors = new Map();
  for (const [key, shape] of expectedShapes(cfg)) {
    const t = tensors.get(key);
    if (!t) throw new Error(`cannot save the model: tensor ${key} is missing`);
    if (t.shape.join() !== shape.join()) throw new Error(`cannot save the model: ${key} has shape [${t.shape}], expected [${shape}]`);
    ordered.set(key, t);
  }
  return {
    'config.json': JSON.stringify(projectConfigToJson(cfg), null, 2) + '\n',
    'model.safetensors': writeSafetensors(ordered, { format: 'pt', producer: 'vit-pruning-studio', ...metadata }),
  };
}
