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

/** Steps of the run, and the charted step after which the page is reloaded (long enough that the loss bound below means something). */
const STEPS = 30;
const RELOAD_AFTER = 14;
/** Score snapshots reach the page at most this often (engine.ts snapshotIntervalMs); each is saved at once. */
const SNAPSHOT_MS = 500;
/** Time for the readback of a captured snapshot and its IndexedDB write. */
const WRITE_MS = 500;

test('a reload mid-training loses no more than the last snapshot interval and Resume finishes the run; a reload at rest restores it all; "New session" clears it', async ({ page }) => {
  test.setTimeout(240_000);
  await trainingUnderWay(page, STEPS, 8, RELOAD_AFTER);

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
  // flight and come every 0.5 s: the training time lost is at most that interval, the write and three steps
  // (the step in flight, the progress throttling and the whole-step rounding of a snapshot taken mid-step;
  // README: "about a second of training and up to three steps"). The bound must be shorter
  // than the training done, or this check could not fail.
  const lostMs = (charted - saved!.done) * msPerStep; // progress events are throttled, so not every step has a time of its own
  const boundMs = SNAPSHOT_MS + 3 * msPerStep + WRITE_MS;
  console.log(`lost ${Math.round(lostMs)} ms of training (bound ${Math.round(boundMs)} ms, ${charted - saved!.done} steps)`);
  expect(boundMs).toBeLessThan(charted * msPerStep);
  expect(lostMs).toBeLessThanOrEqual(boundMs);
  expect(saved!.historySteps.at(-1)).toBeGreaterThanOrEqual(saved!.done);
  await expect(trainProgress(page)).toContainText(new RegExp(`interrupted at step ${saved!.done}/${STEPS}`, 'i'));
  await expect(page.getByTestId('train-charts')).toHaveAttribute('data-points', String(saved!.historySteps.length));
  // The settings came back too.
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue(String(STEPS));
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('8');
  await expect(page.getByRole('slider', { name: 'Validation split' })).toHaveValue('5');

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(trainProgress(page, 'done')).toBeVisible({ timeout: 60_000 });
  await expect(trainProgress(page)).toContainText(`${STEPS} / ${STEPS}`);
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
  await expect(trainProgress(page, 'done')).toContainText(`${STEPS} / ${STEPS}`, { timeout: 60_000 });
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
