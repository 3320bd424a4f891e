/**
 * A model import while the slider's accuracy is still running: the import frees the old model's tensors, so the
 * engine aborts that accuracy first; it ends superseded (which the store ignores), never with the error of a
 * freed tensor (seen with a DeiT-Base import in the browser: "Cannot read properties of undefined (reading 'backend')").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { timmCompatibleFiles } from '../../src/io/export/timmExport';
import { randomVitTensors } from '../../src/model/vitInit';
import { PRUNE_SETTINGS_DEFAULTS } from '../../src/worker/maskedEval';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, FMNIST, TINY_CFG, testEngine } from './workerTestFixtures';

beforeAll(useCpuBackend);

describe('engine: a new model while an accuracy is in flight', () => {
  it('aborts the accuracy, which ends superseded instead of failing on the freed tensors, then evaluates the new one', async () => {
    const { api } = testEngine({ evalLimit: 1000 });
    await api.init();
    await api.loadDemoModel(BASE_URL);
    await api.loadSampleDataset(BASE_URL);
    const inFlight = api.maskedAccuracy(PRUNE_SETTINGS_DEFAULTS, 1000).then(() => 'finished', (e: Error) => e.name === 'SupersededError' ? 'superseded' : e.message);
    const cfg = { ...TINY_CFG, classNames: FMNIST };
    const timm = timmCompatibleFiles(cfg, randomVitTensors(cfg, { seed: 5 }));
    await api.loadModel([{ name: 'config.json', bytes: new TextEncoder().encode(timm['config.json']).buffer }, { name: 'model.safetensors', bytes: timm['model.safetensors'].slice().buffer }], 'other');
    expect(await inFlight).toBe('superseded');
    const after = await api.maskedAccuracy(PRUNE_SETTINGS_DEFAULTS, 16);
    expect(after.n).toBe(16);
  });
});
