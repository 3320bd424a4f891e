/** The store's "New head for these classes": the fit in the engine, the model replaced, kept across a reload; the report says the head is new. */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStudioStore } from '../../src/store/createStudioStore';
import { IdbPersistence } from '../../src/store/persistence';
import { pruningReport } from '../../src/store/report';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, InProcessClient } from './workerTestFixtures';
import { pngBytes } from '../fixtures/data/makeData';

beforeAll(useCpuBackend);

function makeStore(dbName: string) {
  return createStudioStore({ client: new InProcessClient(), persistence: new IdbPersistence({ dbName }), baseUrl: BASE_URL, download: () => {}, accuracyLimit: 64 });
}

/** A picked file with a folder path, as a folder pick gives. */
function picked(path: string, level: number): File {
  const bytes = pngBytes(28, 28, (x, y) => { const g = Math.max(0, Math.min(255, level + ((x + 3 * y) % 21) - 10)); return [g, g, g, 255]; });
  return Object.assign(new File([bytes.slice().buffer as ArrayBuffer], path.split('/').pop()!), { webkitRelativePath: path });
}

describe('store: new head', () => {
  it('fits a head for unknown classes, reports it as new, and restores the new model after a reload', async () => {
    const first = makeStore('new-head-1');
    await first.getState().start();
    const files = ['cat', 'dog'].flatMap((cls, c) => Array.from({ length: 6 }, (_, i) => picked(`pets/${cls}/${i}.png`, 50 + 120 * c + i)));
    await first.getState().importDataset(files);
    await first.getState().fitNewHead();
    const s = first.getState();
    expect(s.newHeadJob.status).toBe('done');
    expect(s.newHeadJob.message).toMatch(/new head for 2 classes/);
    expect(s.model?.config.classNames).toEqual(['cat', 'dog']);
    expect(s.dataset?.classNames).toEqual(['cat', 'dog']);
    const report = pruningReport(s) as { model: { head: { source: string; fittedOn: string } } };
    expect(report.model.head).toMatchObject({ source: 'new', fittedOn: 'pets' });

    const reload = makeStore('new-head-1');
    await reload.getState().start();
    expect(reload.getState().model?.config.classNames).toEqual(['cat', 'dog']);
    expect(reload.getState().model?.config.headOrigin?.source).toBe('new');
  });
});
