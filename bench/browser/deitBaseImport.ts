/**
 * A DeiT-Base-sized checkpoint (86M params, random weights) in the browser on WASM (issue 6): written as a
 * timm folder (config.json + model.safetensors, ~344 MB) into a temp dir, imported through the studio's
 * "Import checkpoint" input, until the model summary and the predictions on the first validation images
 * (one forward) are shown. Reports the times, tfjs's tensor bytes in the worker (highest seen by polling,
 * and at the end) and the Chromium processes' memory (renderer peak RSS, peak total RSS).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { timmCompatibleFiles } from '../../src/io/export/timmExport';
import { modelCost } from '../../src/prune/costs';
import { randomDeit } from '../modelShapes';
import { sampleChromium, type ChromiumPeaks } from './chromiumMemory';
import { openBenchPage, type PageGlobals } from './studioPage';

/** Outcome of the import. */
export interface DeitBaseResult {
  params: number;
  fileBytes: number;
  /** null when it failed; then `error` says why. */
  importMs: number | null;
  forwardMs: number | null;
  error: string | null;
  tfjsBytesMax: number;
  tfjsBytesEnd: number;
  chromium: ChromiumPeaks;
}

/** The shipped sample's class names (the demo model's label_names are the same ten). */
function sampleClassNames(): string[] {
  const config = JSON.parse(readFileSync(new URL('../../public/models/fmnist-vit-s/config.json', import.meta.url), 'utf8')) as { label_names: string[] };
  return config.label_names;
}

/**
 * Writes the random DeiT-Base timm folder into a new temp dir; returns its files and the model's param count.
 * Its first ten classes carry the sample's class names (the rest "class 10".."class 999"), so the studio
 * matches the sample's labels by name, as for a checkpoint fine-tuned on them, instead of asking for a mapping.
 */
function writeCheckpoint(): { dir: string; files: string[]; bytes: number; params: number } {
  const m = randomDeit('base');
  const names = sampleClassNames();
  const cfg = { ...m.cfg, classNames: Array.from({ length: m.cfg.numClasses }, (_, i) => names[i] ?? `class ${i}`) };
  const timm = timmCompatibleFiles(cfg, m.tensors);
  const dir = mkdtempSync(path.join(tmpdir(), 'vtp-bench-deit-base-'));
  const files = [path.join(dir, 'config.json'), path.join(dir, 'model.safetensors')];
  writeFileSync(files[0], timm['config.json']);
  writeFileSync(files[1], timm['model.safetensors']);
  return { dir, files, bytes: timm['model.safetensors'].length, params: modelCost(m.cfg).total.params };
}

/** tfjs's tensor bytes in the engine worker now (0 when the worker does not answer). */
function tfjsBytes(page: Page): Promise<number> {
  return page.evaluate(async () => (await (globalThis as unknown as PageGlobals).__vtpStudio.memory()).numBytes).catch(() => 0);
}

/** Polls the worker's tfjs bytes every second until `done` is set; returns the highest. */
async function pollTfjsBytes(page: Page, done: { value: boolean }): Promise<number> {
  let max = 0;
  while (!done.value) {
    max = Math.max(max, await tfjsBytes(page));
    await new Promise((r) => setTimeout(r, 1000));
  }
  return max;
}

/** In the page: 'ok' once the DeiT-Base model (stage 'model') or its predictions are shown, the error the store shows, or false. */
function importStage(stage: 'model' | 'predictions'): string | false {
  const s = (globalThis as unknown as PageGlobals).__vtpStudio.store.getState();
  if (s.modelJob.status === 'error') return `model: ${s.modelJob.message}`;
  if (s.datasetJob.status === 'error') return `dataset: ${s.datasetJob.message}`;
  const base = s.model !== null && s.model.config.embedDim === 768 && s.model.config.depth === 12;
  if (base && (stage === 'model' || s.predictions.length > 0)) return 'ok';
  return base && s.maskedAccuracyError ? `evaluation: ${s.maskedAccuracyError}` : false;
}

/** Resolves with null once `stage` is reached in the page, or with the error the store shows. */
async function waitForStage(page: Page, stage: 'model' | 'predictions', timeoutMs: number): Promise<string | null> {
  const handle = await page.waitForFunction(importStage, stage, { timeout: timeoutMs, polling: 500 });
  const v = await handle.jsonValue() as string;
  return v === 'ok' ? null : v;
}

/** Imports the checkpoint into a fresh studio page and measures it. */
async function importAndMeasure(page: Page, files: string[], timeoutMs: number): Promise<Pick<DeitBaseResult, 'importMs' | 'forwardMs' | 'error'>> {
  const t0 = Date.now();
  try {
    await page.getByLabel('Import checkpoint').setInputFiles(files);
    let error = await waitForStage(page, 'model', timeoutMs);
    const importMs = error ? null : Date.now() - t0;
    if (!error) error = await waitForStage(page, 'predictions', timeoutMs);
    return { importMs, forwardMs: error ? null : Date.now() - t0, error };
  } catch (e) {
    return { importMs: null, forwardMs: null, error: (e as Error).message.split('\n')[0] };
  }
}

/** The DeiT-Base import in its own page (`?evalLimit=8`: the masked accuracy that follows the import stays short). */
export async function deitBaseImport(browser: Browser, baseUrl: string, timeoutMs: number): Promise<DeitBaseResult> {
  const ckpt = writeCheckpoint();
  const sampler = sampleChromium();
  const polled = { value: false };
  try {
    const page = await openBenchPage(browser, baseUrl, '?backend=wasm&evalLimit=8');
    const max = pollTfjsBytes(page, polled);
    const r = await importAndMeasure(page, ckpt.files, timeoutMs);
    polled.value = true;
    const tfjsBytesEnd = await tfjsBytes(page);
    return { ...r, params: ckpt.params, fileBytes: ckpt.bytes, tfjsBytesMax: Math.max(await max, tfjsBytesEnd), tfjsBytesEnd, chromium: sampler.stop() };
  } finally {
    polled.value = true;
    sampler.stop(); // idempotent
    rmSync(ckpt.dir, { recursive: true, force: true });
  }
}
