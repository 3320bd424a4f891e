import { expect, test } from '@playwright/test';
import type { StudioStore } from '../../src/store/createStudioStore';
import { savedCheckpoint, trainingUnderWay } from './savedSession';
import { WASM_ONLY, fromStore, trainProgress } from './studio';

// A CPU backend (WASM): a few training steps take seconds.
test.use({ launchOptions: WASM_ONLY });

test('a worker killed during training is restarted, says so, and training resumes from the last checkpoint', async ({ page }) => {
  test.setTimeout(150_000);
  await trainingUnderWay(page, 14, 8, 4);

  const committed = await savedCheckpoint(page);
  expect(committed?.scores).not.toBeNull();
  // Every training status line from now on (the resumed run announces the step it continues from).
  await page.evaluate(() => {
    const hooks = (globalThis as unknown as { __vtpStudio: { store: StudioStore; killWorker: () => void; lines?: string[] } }).__vtpStudio;
    hooks.lines = [];
    hooks.store.subscribe((s) => { if (hooks.lines!.at(-1) !== s.trainJob.message) hooks.lines!.push(s.trainJob.message); });
    hooks.killWorker();
  });

  // The studio says what happened, restarts the engine and continues the run where the checkpoint was.
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('The engine stopped unexpectedly', { timeout: 10_000 });
  await expect(notice).toContainText('restarted');
  await expect(page.getByTestId('backend-badge')).toHaveText(/WASM/, { timeout: 60_000 });
  await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 90_000 });
  await expect(trainProgress(page)).toContainText('14 / 14');

  // The run continued from the checkpoint (not from step 1), and the charts kept their history.
  const lines = await page.evaluate(() => (globalThis as unknown as { __vtpStudio: { lines: string[] } }).__vtpStudio.lines);
  const resumedAt = Number(lines.map((l) => /resuming at step (\d+)\/14/.exec(l)?.[1]).find((d) => d !== undefined));
  console.log(`checkpoint at kill: step ${committed!.done}; resumed at step ${resumedAt}`);
  expect(resumedAt).toBeGreaterThanOrEqual(Math.max(1, committed!.done));
  const steps = await fromStore(page, (s) => s.trainHistory.map((h) => h.step));
  expect(steps).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
  const saved = await savedCheckpoint(page);
  expect(saved).toMatchObject({ done: 14, status: 'done' });
  // The engine answers again after the restart (accuracy of the masked model at the current rate).
  await expect(page.getByLabel('Accuracy', { exact: true })).toHaveText(/^\d+(\.\d)?%$/, { timeout: 60_000 });
});
