import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, testEngine } from './workerTestFixtures';
import { pngBytes } from '../fixtures/data/makeData';

beforeAll(useCpuBackend);

const png = (v: number) => pngBytes(8, 8, () => [v, v, v, 255]).buffer as ArrayBuffer;

/** An engine with the demo model and a folder of `classes`, 4 images each. */
async function withFolder(classes: string[]) {
  const engine = testEngine();
  await engine.api.init();
  await engine.api.loadDemoModel(BASE_URL);
  const files = classes.flatMap((c, k) => [0, 1, 2, 3].map((i) => ({ name: `set/${c}/${i}.png`, bytes: png(40 * k + 10 * i) })));
  const info = await engine.api.loadDataset(files, 'set', { valFraction: 0.5 });
  return { engine, info };
}

describe('engine: the class mapping', () => {
  it('matches names a file system allows by name', async () => {
    const { info } = await withFolder(['Ankle_boot', 'T-shirt_top']);
    expect(info.classMap?.mapping).toEqual([9, 0]);
    expect(info.classMap?.modelClasses[9]).toBe('Ankle boot');
  });

  it('leaves unknown classes unmapped and refuses to train or evaluate until each is mapped; relabels without re-reading', async () => {
    const { engine, info } = await withFolder(['cat', 'dog']);
    expect(info.classMap).toMatchObject({ mapping: [-1, -1], byName: [-1, -1], labelMode: 'labels' });
    const train = { steps: 1, batchSize: 4, lr: 0.01, l1: 1e-4, trainWeights: false, seed: 0 };
    await expect(engine.api.trainScores('t', train, () => {})).rejects.toThrow(/map every dataset class .*unmatched: cat, dog/);
    await expect(engine.api.evaluate('model', 10)).rejects.toThrow(/unmatched: cat, dog/);
    const pixels = engine.session.data!.own.full.pixels;
    const mapped = await engine.api.setClassMap([3, 8], 'labels');
    expect(mapped.classMap?.mapping).toEqual([3, 8]);
    expect(engine.session.data!.full.pixels).toBe(pixels); // the same bytes, relabelled
    expect([...new Set(engine.session.data!.train.labels)].sort()).toEqual([3, 8]);
    expect((await engine.api.evaluate('model', 10)).n).toBe(4);
    await engine.api.setClassMap([3, -1], 'labels');
    await expect(engine.api.evaluate('model', 10)).rejects.toThrow(/unmatched: dog/);
    await engine.api.setClassMap([3, 8], 'new-head');
    await expect(engine.api.evaluate('model', 10)).rejects.toThrow(/fit the new head first/);
    await expect(engine.api.setClassMap([3], 'labels')).rejects.toThrow(/one model class \(or -1\) per dataset class/);
    await expect(engine.api.setClassMap([3, 10], 'labels')).rejects.toThrow(/per dataset class/);
  });

  it('keeps the mapping across a new split', async () => {
    const { engine } = await withFolder(['cat', 'dog']);
    await engine.api.setClassMap([1, 2], 'labels');
    const info = await engine.api.resplit(0.25, 3);
    expect(info.classMap?.mapping).toEqual([1, 2]);
    expect((await engine.api.evaluate('model', 10)).n).toBe(2);
  });

  it('label-free mode needs no mapping: scores distil (CE 0 at the start), figures are agreement (accuracy NaN), and a mapping adds accuracy', async () => {
    const { engine } = await withFolder(['cat', 'dog']);
    const info = await engine.api.setClassMap([-1, -1], 'label-free');
    expect(info.classMap?.labelMode).toBe('label-free');
    const train = { steps: 1, batchSize: 4, lr: 0.01, l1: 1e-4, trainWeights: false, seed: 0 };
    const ce: number[] = [];
    const r = await engine.api.trainScores('lf', train, (p) => { ce.push(p.ce); });
    expect(r.stopped).toBeNull();
    expect(ce[0]).toBeCloseTo(0, 4); // distillation: gates at 1 reproduce the teacher
    const unmapped = await engine.api.evaluate('model', 10);
    expect(unmapped.accuracy).toBeNaN();
    await engine.api.prune({ rate: 0.3, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {} });
    expect((await engine.api.evaluate('pruned', 10)).agreement).toBeGreaterThanOrEqual(0);
    await engine.api.setClassMap([3, 8], 'label-free');
    const mapped = await engine.api.evaluate('model', 10);
    expect(mapped.accuracy).not.toBeNaN();
    expect(mapped.n).toBe(4);
  });

  it('new-head mode waits for the head; once fitted the classes match it by name and nothing waits', async () => {
    const { engine } = await withFolder(['cat', 'dog']);
    await engine.api.setClassMap([-1, -1], 'new-head');
    await expect(engine.api.evaluate('model', 10)).rejects.toThrow(/fit the new head first/);
    const fitted = await engine.api.newHead('nh', () => {});
    expect(fitted.model.config.classNames).toEqual(['cat', 'dog']);
    expect(fitted.dataset?.classMap).toMatchObject({ mapping: [0, 1], labelMode: 'new-head' });
    expect((await engine.api.evaluate('model', 10)).n).toBe(4);
  });
});
