/**
 * Table 4 and the DeiT-Base import, in Debian's Chromium on WASM: builds the studio into its own folder,
 * serves it on its own port, trains scores while recording main-thread long tasks, times the prune slider,
 * then imports a DeiT-Base-sized checkpoint in a fresh browser. Each part that fails is reported, not fatal.
 */
import type { Browser } from '@playwright/test';
import { BROWSER, DEMO_BATCHES, SKIP_BASE } from '../benchConfig';
import { baseModel } from '../benchCommon';
import { trainedScores } from '../trainedScores';
import { slimSpeedBench, type SlimSpeedRow } from './slimSpeedBench';
import { buildStudio, serveStudio } from './browserServer';
import { deitBaseImport, type DeitBaseResult } from './deitBaseImport';
import { sliderBench, type SliderResult } from './sliderBench';
import { launchWasmChromium, openBenchPage } from './studioPage';
import { trainBench, type TrainResult } from './trainBench';

/** Everything the browser benchmark measured, and what failed. */
export interface BrowserResults {
  chromium: string;
  evalLimit: number;
  train: TrainResult | null;
  slider: SliderResult | null;
  deitBase: DeitBaseResult | null;
  /** Slim against full demo model from trained scores, through the studio's "Measure speed" (null: not measured). */
  slimSpeed: { scores: string; rows: SlimSpeedRow[] } | null;
  errors: string[];
}

/** Prune rates of the browser's slim rows (as table 1 in Node, without the rounded variant). */
const SLIM_RATES = [0.2, 0.4, 0.6];

/** Slow-machine limits: a masked accuracy on 1,000 images, a training run, the DeiT-Base import. */
const TIMEOUT_MS = { accuracy: 180_000, train: 900_000, deitBase: 900_000, slimSpeed: 1_800_000 };

/** Runs `part` in a fresh Chromium, closing it afterwards; a failure lands in `errors`. */
async function inBrowser<T>(name: string, errors: string[], part: (browser: Browser) => Promise<T>): Promise<T | null> {
  const browser = await launchWasmChromium();
  try {
    return await attempt(name, errors, () => part(browser));
  } finally {
    await browser.close();
  }
}

/** Runs one part; a failure lands in `errors` as `name: message`. */
async function attempt<T>(name: string, errors: string[], part: () => Promise<T>): Promise<T | null> {
  try {
    return await part();
  } catch (error) {
    errors.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    process.stderr.write('.');
  }
}

/** Training (long tasks), then the slider, on the demo model and sample in one page. */
async function studioParts(browser: Browser, url: string, out: BrowserResults): Promise<void> {
  const page = await openBenchPage(browser, url, `?backend=wasm&evalLimit=${BROWSER.evalLimit}`);
  out.chromium = browser.version();
  out.train = await attempt('training', out.errors, () => trainBench(page, BROWSER.trainSteps, BROWSER.trainBatch, TIMEOUT_MS.train));
  out.slider = await attempt('slider', out.errors, () => sliderBench(page, {
    costMoves: BROWSER.costMoves, accuracyMoves: BROWSER.accuracyMoves, accuracyTimeoutMs: TIMEOUT_MS.accuracy,
  }));
}

/** The slim demo model's speed in a fresh page, for the scores table 1 uses in Node (trained on the sample, cached). */
async function slimSpeedPart(browser: Browser, url: string): Promise<{ scores: string; rows: SlimSpeedRow[] } | null> {
  const base = await baseModel();
  if (!base.dir) throw new Error('the demo model is not shipped: no trained scores');
  const { file } = trainedScores(base.dir, base.cfg);
  const page = await openBenchPage(browser, url, `?backend=wasm&evalLimit=${BROWSER.evalLimit}&speedBatches=${DEMO_BATCHES.join(',')}`);
  return { scores: file.replace(/^.*\/bench\//, 'bench/'), rows: await slimSpeedBench(page, file, SLIM_RATES, TIMEOUT_MS.slimSpeed) };
}

/** The browser benchmark. */
export async function browserBench(): Promise<BrowserResults> {
  const out: BrowserResults = { chromium: '', evalLimit: BROWSER.evalLimit, train: null, slider: null, deitBase: null, slimSpeed: null, errors: [] };
  buildStudio();
  const server = await serveStudio(BROWSER.port);
  try {
    await inBrowser('slider and training', out.errors, (browser) => studioParts(browser, server.url, out));
    out.slimSpeed = await inBrowser('slim speed', out.errors, (browser) => slimSpeedPart(browser, server.url));
    if (SKIP_BASE) out.errors.push('DeiT-Base import: skipped (BENCH_SKIP_BASE=1)');
    else out.deitBase = await inBrowser('DeiT-Base import', out.errors, (browser) => deitBaseImport(browser, server.url, TIMEOUT_MS.deitBase));
    process.stderr.write('\n');
  } finally {
    server.close();
  }
  return out;
}
