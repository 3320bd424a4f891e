import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectModelFiles } from '../io/projectModel';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';

/** Writes a model folder in the project format (config.json + model.safetensors), creating the folder. */
export async function saveModelDir(dir: string, cfg: VitConfig, tensors: HostTensors): Promise<void> {
  const files = projectModelFiles(cfg, tensors);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), files['config.json']);
  await writeFile(join(dir, 'model.safetensors'), files['model.safetensors']);
}
