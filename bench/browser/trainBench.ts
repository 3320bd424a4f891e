/**
 * Main-thread responsiveness while scores train in the browser (table 4): the longest main-thread task
 * (PerformanceObserver 'longtask', over 50 ms by definition) between the click on "Train scores" and the
 * end of the run. While it runs only cheap CSS selectors are polled (role/label queries would add tasks).
 */
import type { Page } from '@playwright/test';
import { longTasksBetween, now } from '../../tests/e2e/studio';

/** Long tasks and throughput of one training run in the page. */
export interface TrainResult {
  steps: number;
  batch: number;
  wallMs: number;
  imagesPerSecond: number;
  longTasks: number;
  longestTaskMs: number;
  longTasksSupported: boolean;
}

/** Trains `steps` steps at `batch` from the Train panel and reports the main thread's long tasks meanwhile. */
export async function trainBench(page: Page, steps: number, batch: number, timeoutMs: number): Promise<TrainResult> {
  const longTasksSupported = await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'));
  await page.getByLabel('Steps', { exact: true }).fill(String(steps));
  await page.getByLabel('Batch size', { exact: true }).fill(String(batch));
  const button = page.getByRole('button', { name: 'Train scores' });
  await button.waitFor({ state: 'visible' });
  const t0 = await now(page);
  await button.click();
  const end = page.locator('[data-testid="train-progress"]:is(.status-done, .status-error, .status-cancelled)');
  await end.waitFor({ state: 'attached', timeout: timeoutMs });
  const t1 = await now(page);
  if (!(await end.getAttribute('class'))?.includes('status-done')) throw new Error(`training did not finish: ${await end.textContent()}`);
  const tasks = await longTasksBetween(page, t0, t1);
  const wallMs = t1 - t0;
  return {
    steps, batch, wallMs, imagesPerSecond: (steps * batch * 1000) / wallMs,
    longTasks: tasks.length, longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)), longTasksSupported,
  };
}
