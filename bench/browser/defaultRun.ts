/**
 * `npm run bench:default-run`: what a user gets who clicks "Train scores" without changing anything, in Debian's
 * Chromium on WASM (no GPU): the demo model and sample as the studio opens them, the default score training timed
 * from the click to its end, then the studio's own masked accuracy on the sample's validation images unpruned and at
 * 20, 40 and 60% of MACs saved (binary masks, the default). Prints JSON; writes bench/results-default-run.json.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { BROWSER } from '../benchConfig';
import { buildStudio, serveStudio } from './browserServer';
import { accuracySettled, launchWasmChromium, openBenchPage, type PageGlobals } from './studioPage';

const OUT = new URL('../results-default-run.json', import.meta.url).pathname;

/** A training run at the defaults on a slow machine, and one complete masked accuracy. */
const TIMEOUT_MS = { train: 3_600_000, accuracy: 300_000 };

/** MACs savings the accuracy is read at (0: the unpruned model). */
const SAVINGS = [0, 0.2, 0.4, 0.6];

/** Clicks "Train scores" as the panel stands; ms to the end of the run, and the panel's settings. */
async function defaultTraining(page: Page): Promise<{ wallMs: number; steps: string; batch: string }> {
  const steps = await page.getByLabel('Steps', { exact: true }).inputValue();
  const batch = await page.getByLabel('Batch size', { exact: true }).inputValue();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Train scores' }).click();
  const end = page.locator('[data-testid="train-progress"]:is(.status-done, .status-error, .status-cancelled)');
  await end.waitFor({ state: 'attached', timeout: TIMEOUT_MS.train });
  const wallMs = Date.now() - t0;
  if (!(await end.getAttribute('class'))?.includes('status-done')) throw new Error(`training did not finish: ${await end.textContent()}`);
  return { wallMs, steps, batch };
}

/** The studio's complete masked accuracy (and agreement) on its validation images at `saved` of MACs. */
async function accuracyAt(page: Page, saved: number): Promise<{ saved: number; accuracy: number; agreement: number | null; n: number }> {
  await page.evaluate((rate) => (globalThis as unknown as PageGlobals).__vtpStudio.store.getState().setPrune({ unit: 'macs', rate }), saved);
  await accuracySettled(page, TIMEOUT_MS.accuracy);
  return page.evaluate((s) => {
    const m = (globalThis as unknown as PageGlobals).__vtpStudio.store.getState().maskedAccuracy!;
    return { saved: s, accuracy: m.accuracy, agreement: m.agreement ?? null, n: m.n };
  }, saved);
}

async function main(): Promise<void> {
  buildStudio();
  const server = await serveStudio(BROWSER.port);
  const browser = await launchWasmChromium();
  try {
    const page = await openBenchPage(browser, server.url, '?backend=wasm');
    const train = await defaultTraining(page);
    const accuracy = [];
    for (const saved of SAVINGS) accuracy.push(await accuracyAt(page, saved));
    const result = { date: new Date().toISOString(), chromium: browser.version(), train, accuracy };
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
