import { expect, test, type Page } from '@playwright/test';
import {
  WASM_ONLY, downloadPruned, engineTensors, openStudio, setRateWithKeyboard, setTraining, settledAccuracy,
  smallValidationSplit, trainProgress,
} from './studio';

// A CPU backend (WASM): evaluations and a short training run take seconds.
test.use({ launchOptions: WASM_ONLY });

/** A short training run (3 steps, batch 8) until it is done and the accuracy is measured again. */
async function trainShortly(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Train scores' }).click();
  await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 60_000 });
  await settledAccuracy(page);
}

/** An export of the pruned model, until the file is offered. */
async function exportOnce(page: Page): Promise<void> {
  await downloadPruned(page);
  await expect(page.getByTestId('export-job')).toContainText('MB', { timeout: 60_000 });
}

/**
 * Waits until the background work is over: the report's accuracy job after an export, and the accuracy grid
 * (19 rates, measured whenever the page is idle; each point holds a slim model's tensors while it runs).
 */
async function backgroundDone(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => {
    const store = (globalThis as unknown as { __vtpStudio: { store: { runtime: { grid: { points: Map<number, unknown>; running: boolean } }; getState(): { evalJob: { status: string } } } } }).__vtpStudio.store;
    return store.runtime.grid.points.size === 19 && !store.runtime.grid.running && store.getState().evalJob.status !== 'running';
  }), { message: 'the accuracy grid and the accuracy job finish', timeout: 240_000 }).toBe(true);
}

/** The engine's tensor count once it has settled at `expected` (latest-wins jobs may still be unwinding). */
async function expectTensors(page: Page, expected: number, after: string): Promise<void> {
  await backgroundDone(page);
  await expect.poll(() => engineTensors(page), { message: `tf.memory().numTensors after ${after}`, timeout: 10_000 }).toBe(expected);
}

test('tf.memory().numTensors is the same after 200 slider moves, a training run and an export as before', async ({ page }) => {
  test.setTimeout(900_000);
  await openStudio(page, { backend: /WASM/ });
  await smallValidationSplit(page);
  await setTraining(page, 3, 8);

  // Warm-up: each path once (slider accuracy, training, export), so that caches built on first use count in the baseline.
  await setRateWithKeyboard(page, 20);
  await settledAccuracy(page);
  await trainShortly(page);
  await exportOnce(page);
  await settledAccuracy(page);
  await backgroundDone(page);
  const before = await engineTensors(page);
  console.log(`tensors after warm-up: ${before}`);
  expect(before).toBeGreaterThan(0);

  const slider = page.getByRole('slider', { name: 'Prune rate' });
  await slider.focus();
  for (let i = 0; i < 200; i++) await slider.press(i % 50 < 25 ? 'ArrowRight' : 'ArrowLeft');
  await expect(slider).toHaveValue('20');
  await settledAccuracy(page);
  await expectTensors(page, before, '200 slider moves');

  await trainShortly(page);
  await expectTensors(page, before, 'a training run');

  await exportOnce(page);
  await expectTensors(page, before, 'an export');
});
