import { expect, test } from '@playwright/test';
import { WASM_ONLY, longTasksBetween, now, observeLongTasks, openStudio, setTraining } from './studio';

// A CPU backend (WASM): fast enough to train a few steps in seconds.
test.use({ launchOptions: WASM_ONLY });

test('training scores for 20 steps (batch 8) updates the charts and never blocks the main thread for 100 ms', async ({ page }) => {
  test.setTimeout(120_000);
  await observeLongTasks(page);
  await openStudio(page, { backend: /WASM/ });
  expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask')), 'longtask entries supported').toBe(true);

  await setTraining(page, 20, 8);
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue(/\d/);
  await expect(page.getByLabel('L1 strength', { exact: true })).toHaveValue(/\d/);
  await expect(page.getByLabel('Train weights too')).not.toBeChecked();

  const progress = page.getByRole('progressbar', { name: 'Training progress' });
  const trainButton = page.getByRole('button', { name: 'Train scores' });
  await expect(trainButton).toBeEnabled();

  // While training runs, the test itself only polls cheap CSS selectors: Playwright's role and label
  // queries compute accessible names on the page's main thread and would show up as long tasks.
  const t0 = await now(page);
  await trainButton.click();
  await expect(page.locator('button.btn-danger', { hasText: 'Stop' })).toBeVisible();
  // The charts grow while the run is still going (live updates, not only a final redraw).
  const livePoints = page.locator('[data-testid="train-charts"]');
  await expect.poll(async () => Number(await livePoints.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  expect(await page.locator('[data-testid="train-progress"].status-done').count(), 'charts updated before the run ended').toBe(0);
  await expect(page.locator('[data-testid="train-progress"].status-done')).toBeVisible({ timeout: 90_000 });
  const t1 = await now(page);

  await expect(page.getByTestId('train-progress')).toContainText('20 / 20');
  await expect(trainButton).toBeVisible();
  await expect(progress).toHaveJSProperty('value', 1);

  // Charts: one point per reported step (at least the last), drawn as lines.
  const charts = page.getByTestId('train-charts');
  await expect(charts).toBeVisible();
  // Several progress events were charted (the worker reports up to ~10 a second).
  expect(Number(await charts.getAttribute('data-points'))).toBeGreaterThanOrEqual(10);
  await expect(charts.locator('svg path')).toHaveCount(4);
  await expect(charts).toContainText('Loss');
  await expect(charts).toContainText('Scores near zero');

  // Scores panel: every block x gate histogram, drawn from the trained scores.
  await expect(page.getByTestId('score-histograms').locator('.mini-cell')).toHaveCount(6 * 4);
  await expect(page.getByTestId('detail-histogram')).toBeVisible();

  const tasks = await longTasksBetween(page, t0, t1);
  const worst = Math.max(0, ...tasks.map((t) => t.duration));
  console.log(`training took ${Math.round(t1 - t0)} ms; ${tasks.length} long tasks, longest ${Math.round(worst)} ms`);
  expect(worst, `main-thread long tasks during training: ${JSON.stringify(tasks)}`).toBeLessThan(100);
});
