import { expect, test, type Page } from '@playwright/test';
import { chartedStep, savedCheckpoint, savedPruneRate, storeScores, trainingUnderWay } from './savedSession';
import { WASM_ONLY, figure, fromStore, setRateWithKeyboard, studioReady, trainProgress } from './studio';

// A CPU backend (WASM): a few training steps take seconds.
test.use({ launchOptions: WASM_ONLY });

/** What the page shows of the trained scores at the current slider position. */
async function scoreFigures(page: Page): Promise<Record<string, unknown>> {
  await expect(figure(page, 'Params saved')).toHaveText(/%$/);
  return {
    params: await figure(page, 'Params saved').textContent(),
    macs: await figure(page, 'MACs saved').textContent(),
    histogram: await page.getByTestId('detail-histogram').textContent(),
    kept: await page.locator('.mini-kept').allTextContents(),
    overview: await page.getByTestId('layer-overview').locator('[role="cell"]').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label'))),
    points: await page.getByTestId('train-charts').getAttribute('data-points'),
  };
}

test('a reload mid-training loses no trained scores and Resume finishes the run; a reload at rest restores it all; "New session" clears it', async ({ page }) => {
  test.setTimeout(180_000);
  await trainingUnderWay(page, 12, 8, 6);

  // What was committed to IndexedDB and what the charts showed, right before the reload.
  const committed = await savedCheckpoint(page);
  const charted = await chartedStep(page);
  const msPerStep = await fromStore(page, (s) => { const last = s.trainHistory[s.trainHistory.length - 1]; return last.elapsedMs / last.step; });
  await page.reload();
  await studioReady(page, { backend: /WASM/ });
  await expect(trainProgress(page, 'paused')).toBeVisible({ timeout: 60_000 });

  // The scores in the page are exactly the last checkpoint, and the run resumes at the step they follow.
  const saved = await savedCheckpoint(page);
  expect(saved).not.toBeNull();
  expect(committed).not.toBeNull();
  console.log(`charted step ${charted} (${Math.round(msPerStep)} ms a step), committed before reload ${committed!.done}, restored ${saved!.done}`);
  expect(await storeScores(page)).toEqual(saved!.scores);
  expect(saved!.scores).not.toBeNull();
  expect(saved!.done).toBeGreaterThanOrEqual(committed!.done);
  expect(saved!.done).toBeLessThanOrEqual(charted + 1);
  // Every snapshot the page gets is saved at once; snapshots trail the charted step by the update in
  // flight and come at most every 0.5 s (plus the write): a few steps at most, never the run.
  expect(charted - saved!.done).toBeLessThanOrEqual(2 + Math.ceil(1000 / msPerStep));
  expect(saved!.historySteps.at(-1)).toBeGreaterThanOrEqual(saved!.done);
  await expect(trainProgress(page)).toContainText(new RegExp(`interrupted at step ${saved!.done}/12`, 'i'));
  await expect(page.getByTestId('train-charts')).toHaveAttribute('data-points', String(saved!.historySteps.length));
  // The settings came back too.
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('12');
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('8');
  await expect(page.getByRole('slider', { name: 'Validation split' })).toHaveValue('5');

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 60_000 });
  await expect(trainProgress(page)).toContainText('12 / 12');
  expect(Number(await page.getByTestId('train-charts').getAttribute('data-points'))).toBeGreaterThan(saved!.historySteps.length);

  // At rest: the trained scores, what they show at a slider position, the charts and the settings come back.
  await setRateWithKeyboard(page, 30);
  const before = await scoreFigures(page);
  const scores = await storeScores(page);
  await expect.poll(async () => (await savedCheckpoint(page))?.status, { timeout: 10_000 }).toBe('done');
  // Settings are saved a moment (0.3 s) after the last change; a reload before that keeps the previous ones.
  await expect.poll(() => savedPruneRate(page), { timeout: 10_000 }).toBe(0.3);

  await page.reload();
  await studioReady(page, { backend: /WASM/ });
  await expect(trainProgress(page, 'done')).toContainText('12 / 12', { timeout: 60_000 });
  await expect(page.getByRole('slider', { name: 'Prune rate' })).toHaveValue('30');
  expect(await scoreFigures(page)).toEqual(before);
  expect(await storeScores(page)).toEqual(scores);
  // Training can start again from the restored session.
  await expect(page.getByRole('button', { name: 'Train scores' })).toBeEnabled();

  await page.getByRole('button', { name: 'New session' }).click();
  await page.getByRole('button', { name: 'Clear session' }).click();
  await expect(page.getByText('No training yet')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('300');
  await expect(page.getByRole('slider', { name: 'Prune rate' })).toHaveValue('40');
  expect(await storeScores(page)).toBeNull();
  await page.reload();
  await studioReady(page, { backend: /WASM/ });
  await expect(page.getByText('No training yet')).toBeVisible();
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('300');
  expect(await savedCheckpoint(page)).toBeNull();
});
