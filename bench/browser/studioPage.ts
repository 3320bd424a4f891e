/** Opening the studio for the browser benchmark: Debian's Chromium with no GPU (WASM backend), long tasks recorded. */
import { chromium, type Browser, type Page } from '@playwright/test';
import type { studioTestHooks } from '../../src/store/studioStore';
import { WASM_ONLY, observeLongTasks, studioReady } from '../../tests/e2e/studio';

/** The page's globals the benchmark reads (types only: page functions cast globalThis to this). */
export type PageGlobals = { __vtpStudio: typeof studioTestHooks };

/** Launches Chromium with the e2e suite's WASM-only flags (the engine falls back to single-thread SIMD WASM). */
export function launchWasmChromium(): Promise<Browser> {
  return chromium.launch(WASM_ONLY);
}

/**
 * A fresh page of the studio at `baseUrl` with `query` (e.g. "?backend=wasm&evalLimit=1000"), once the demo
 * model and a dataset are shown on WASM. Long tasks are recorded from the first script on.
 */
export async function openBenchPage(browser: Browser, baseUrl: string, query: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // tsx (esbuild keepNames) wraps named functions in __name(); functions passed to page.evaluate need it too.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await observeLongTasks(page);
  await page.goto(`/${query}`);
  await studioReady(page, { backend: /WASM/ });
  return page;
}

/** Waits until the complete masked accuracy for the current prune settings has arrived (or failed): the worker is idle again. */
export async function accuracySettled(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(() => {
    const s = (globalThis as unknown as PageGlobals).__vtpStudio.store.getState();
    return s.maskedAccuracyError !== null || (s.maskedAccuracy !== null && !s.maskedAccuracy.partial && s.maskedAccuracy.settings.rate === s.prune.rate);
  }, null, { timeout: timeoutMs, polling: 250 });
}
