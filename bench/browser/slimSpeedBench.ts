/**
 * Table 1 in the browser: the slim demo model against the full one on the studio's WASM backend, through the
 * studio's own "Measure speed" (the worker times both, runs alternating), for scores trained on the shipped sample
 * (the same cached score file as table 1 in Node, imported with "Import scores"), at each prune rate.
 */
import type { Page } from '@playwright/test';
import type { SlimSpeedInfo } from '../../src/worker/engineApi';
import type { PageGlobals } from './studioPage';

/** One prune rate's measurement. */
export interface SlimSpeedRow { rate: number; info: SlimSpeedInfo }

/** In the page: slims at `rate` and measures its speed; resolves with the result (or throws the job's message). */
async function measureAt(rate: number): Promise<SlimSpeedInfo> {
  const store = (globalThis as unknown as PageGlobals).__vtpStudio.store;
  store.getState().setPrune({ rate, unit: 'rate', criterion: 'vtp', fold: false, roundTo: 1, blockRates: {} });
  await store.getState().measureSlimSpeed();
  const s = store.getState();
  if (!s.slimSpeed || s.slimSpeedJob.status !== 'done' || s.slimSpeed.prunedId !== s.pruned?.id) throw new Error(`speed not measured at ${rate}: ${s.slimSpeedJob.message}`);
  return s.slimSpeed;
}

/** Imports `scoresFile` and measures the slim model's speed at each rate (the page was opened with ?speedBatches=…). */
export async function slimSpeedBench(page: Page, scoresFile: string, rates: number[], timeoutMs: number): Promise<SlimSpeedRow[]> {
  await page.getByTestId('import-scores').setInputFiles(scoresFile);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__vtpStudio.store.getState().scores !== null, null, { timeout: 60_000 });
  page.setDefaultTimeout(timeoutMs);
  const rows: SlimSpeedRow[] = [];
  for (const rate of rates) rows.push({ rate, info: await page.evaluate(measureAt, rate) });
  return rows;
}
