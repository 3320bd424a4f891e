/** Shared steps of the studio's end-to-end tests. */
import { expect, type Page } from '@playwright/test';
import type { studioTestHooks } from '../../src/store/studioStore';

/** The page's test hooks (globalThis.__vtpStudio). */
type StudioHooks = typeof studioTestHooks;

/** How long the demo model and sample may take to load on SwiftShader/WASM on a slow machine. */
export const LOAD_TIMEOUT = 60_000;

export { WASM_ONLY } from './browserArgs';

/** Records every main-thread long task (PerformanceObserver 'longtask') from the first script on. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // longtask unsupported: the list stays empty and the test says so
    }
  });
}

/** Records every Content-Security-Policy violation (securitypolicyviolation events) from the first script on. */
export async function watchCsp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
}

/** The CSP violations recorded since watchCsp. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

/** Long tasks that overlap [from, to] (performance.now() times). */
export async function longTasksBetween(page: Page, from: number, to: number): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(([a, b]) => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    return w.__longTasks.filter((t) => t.start + t.duration >= a && t.start <= b);
  }, [from, to] as const);
}

export async function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Opens the studio and waits until the demo model and a dataset are ready (loading the sample if start() did not). */
export async function openStudio(page: Page, options: { backend?: RegExp; query?: string } = {}): Promise<void> {
  await page.goto(`/${options.query ?? ''}`);
  await studioReady(page, options);
}

/** Waits until the page (just opened or reloaded) shows the model and a dataset, and the backend when given. */
export async function studioReady(page: Page, options: { backend?: RegExp } = {}): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ViT Pruning Studio');
  await modelShown(page);
  await expect(page.getByTestId('model-params')).toHaveText(/\d/);
  const dataset = page.getByTestId('dataset');
  const useDemo = page.getByRole('button', { name: 'Use demo dataset' });
  // start() may load the sample itself; if the panel still shows its empty state once idle, ask for it.
  await expect(async () => {
    if (await dataset.isVisible()) return;
    if (await useDemo.isEnabled() && await page.getByText('No dataset yet').isVisible()) await useDemo.click();
    await expect(dataset).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: LOAD_TIMEOUT });
  if (options.backend) await expect(page.getByTestId('backend-badge')).toHaveText(options.backend);
}

/** The store's model job and notice, for a failure message. */
async function loadState(page: Page): Promise<{ status: string; message: string; notice: string }> {
  return page.evaluate(() => {
    const s = (globalThis as unknown as { __vtpStudio?: StudioHooks }).__vtpStudio?.store.getState();
    return { status: s?.modelJob.status ?? 'no store', message: s?.modelJob.message ?? '', notice: s?.notice ?? '' };
  });
}

/** Waits for the model summary; a failed load or engine start is reported with the studio's own message. */
async function modelShown(page: Page): Promise<void> {
  const summary = page.getByTestId('model-summary');
  await expect(async () => {
    const state = await loadState(page);
    if (state.status === 'failed') {
      throw new Error(`the model did not load: ${state.message}${state.notice ? ` (notice: ${state.notice})` : ''}`);
    }
    await expect(summary, `model job ${state.status}: ${state.message}; notice: ${state.notice || 'none'}`).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: LOAD_TIMEOUT });
}

/**
 * Sets the validation split with the keyboard (Home = 5%): accuracy runs over fewer images, which keeps
 * the suite fast on a CPU backend. Waits until the dataset shows the new split.
 */
export async function smallValidationSplit(page: Page): Promise<void> {
  const split = page.getByRole('slider', { name: 'Validation split' });
  // The slider is disabled while the studio is busy (dataset decode, backend measurement): a key press then is lost.
  await expect(async () => {
    await expect(split).toBeEnabled({ timeout: 2_000 });
    await split.focus();
    await split.press('Home');
    await expect(split).toHaveValue('5', { timeout: 1_000 });
  }).toPass({ timeout: LOAD_TIMEOUT });
  await expect(page.getByTestId('dataset')).toContainText(/· (1[0-9]{2}|[0-9]{2}) validation images/, { timeout: LOAD_TIMEOUT });
}

/** Sets the prune-rate slider with the keyboard: Home, then ArrowRight `percent` times. */
export async function setRateWithKeyboard(page: Page, percent: number): Promise<void> {
  const slider = page.getByRole('slider', { name: 'Prune rate' });
  await expect(async () => {
    await expect(slider).toBeEnabled({ timeout: 2_000 });
    await slider.focus();
    await slider.press('Home');
    for (let i = 0; i < percent; i++) await slider.press('ArrowRight');
    await expect(slider).toHaveValue(String(percent), { timeout: 1_000 });
  }).toPass({ timeout: LOAD_TIMEOUT });
  await expect(slider).toHaveAttribute('aria-valuetext', new RegExp(`^${percent}%`));
}

/** The text of a labelled figure next to the slider ("Params saved", "MACs saved", "Accuracy"). */
export function figure(page: Page, label: 'Params saved' | 'MACs saved' | 'Latency saved' | 'Accuracy') {
  return page.getByLabel(label, { exact: true });
}

/** The studio's state as the page's store holds it (see src/store/studioStore.ts's test hooks). */
export type StudioSnapshot = ReturnType<StudioHooks['store']['getState']>;

/**
 * Reads a value from the page's store: `pick` runs in the page on `__vtpStudio.store.getState()`, so it
 * must be self-contained (no closures) and return something serialisable.
 */
export async function fromStore<T>(page: Page, pick: (s: StudioSnapshot) => T): Promise<T> {
  return page.evaluate(`(${pick.toString()})(globalThis.__vtpStudio.store.getState())`) as Promise<T>;
}

/** tfjs's live tensor count in the engine worker (`__vtpStudio.memory()`). */
export async function engineTensors(page: Page): Promise<number> {
  return page.evaluate(async () => (await (globalThis as unknown as { __vtpStudio: StudioHooks }).__vtpStudio.memory()).numTensors);
}

/** Fills the training form's "Steps" and "Batch size" (small values keep e2e runs short). */
export async function setTraining(page: Page, steps: number, batchSize: number): Promise<void> {
  await page.getByLabel('Steps', { exact: true }).fill(String(steps));
  await page.getByLabel('Batch size', { exact: true }).fill(String(batchSize));
}

/** The training progress line once it shows `status` (CSS only: cheap to poll while training runs). */
export function trainProgress(page: Page, status?: 'running' | 'paused' | 'done' | 'cancelled' | 'error') {
  return page.locator(`[data-testid="train-progress"]${status ? `.status-${status}` : ''}`);
}

/** Waits until the masked accuracy next to the slider is measured for the current settings (not pending). */
export async function settledAccuracy(page: Page, timeout = 60_000): Promise<void> {
  await expect(figure(page, 'Accuracy')).toHaveText(/^\d+(\.\d)?%$/, { timeout });
  await expect(figure(page, 'Accuracy')).not.toHaveAttribute('aria-busy', 'true', { timeout });
}

/** Clicks "Download pruned model" and resolves with the download once the file is offered. */
export async function downloadPruned(page: Page) {
  const downloadPromise = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Download pruned model' }).click();
  return downloadPromise;
}
