import { expect, test } from '@playwright/test';
import { WASM_ONLY, openStudio, settledAccuracy } from './studio';

test.use({ launchOptions: WASM_ONLY });

test('"Download pruned model" starts within 2 s of the click on WASM; the accuracies follow as a cancellable job', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page, { backend: /WASM/ });
  await settledAccuracy(page);

  await page.getByRole('button', { name: 'Download pruned model' }).scrollIntoViewIfNeeded();
  await page.evaluate(() => {
    const w = globalThis as unknown as { __marks: string[]; __vtpStudio: { store: { subscribe(f: (s: { exportJob: { message: string } }) => void): void } } };
    w.__marks = [];
    const t0 = () => performance.now().toFixed(0);
    document.addEventListener('click', () => w.__marks.push(`click ${t0()}`), true);
    w.__vtpStudio.store.subscribe((s) => w.__marks.push(`${s.exportJob.message} ${t0()}`));
  });
  const downloadPromise = page.waitForEvent('download', { timeout: 60_000 });
  const clickedAt = Date.now();
  await page.getByRole('button', { name: 'Download pruned model' }).click();
  const download = await downloadPromise;
  const ms = Date.now() - clickedAt;
  console.log(`download of ${download.suggestedFilename()} started ${ms} ms after the click`);
  console.log([...new Set(await page.evaluate(() => (globalThis as unknown as { __marks: string[] }).__marks))].slice(0, 12).join('\n'));
  expect(ms).toBeLessThan(2000);

  // The report's accuracies are measured afterwards, visibly, and the measurement can be cancelled.
  const job = page.getByTestId('eval-job');
  await expect(job).toContainText(/accuracy: (starting…|\d+\/\d+ validation images)/);
  await expect(page.getByRole('progressbar', { name: 'Accuracy measurement' })).toBeVisible();
  await job.getByRole('button', { name: 'Cancel measurement' }).click();
  await expect(job).toContainText('not measured');
  await expect(page.getByTestId('export-panel')).toContainText('not measured');
});
