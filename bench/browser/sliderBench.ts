/**
 * The prune-rate slider in the browser (table 4): from a rate change (the slider's input event, as a drag
 * or a click on its track sends it) to the new "Params saved"/"MACs saved" figures in the DOM and on screen
 * (the frame after), and to the masked accuracy for the new rate in the store and on screen.
 * Timed inside the page with performance.now(), so Playwright's round trips are not counted.
 */
import type { Page } from '@playwright/test';
import { stats } from '../benchCommon';
import { accuracySettled, type PageGlobals } from './studioPage';

/** Milliseconds from a rate change to the update (DOM or store) and to the frame after it; `firstMs`: to the first partial accuracy. */
interface Timing { domMs: number; frameMs: number; firstMs: number; n: number }

/** What the slider table reports. */
export interface SliderResult {
  costDom: ReturnType<typeof stats>;
  costFrame: ReturnType<typeof stats>;
  /** To the first (partial) accuracy, to the complete one, and to the frame after the complete one. */
  accuracyFirst: ReturnType<typeof stats>;
  accuracy: ReturnType<typeof stats>;
  accuracyFrame: ReturnType<typeof stats>;
  /** Validation images the masked accuracy ran on. */
  accuracyImages: number;
  /** Cost-figure and accuracy changes timed. */
  moves: number;
  accuracyMoves: number;
}

/** In the page: sets the prune slider to `pct`% with an input event; resolves when `changed()` holds, then after the next frame. */
function moveSlider(args: { pct: number; wait: 'cost' | 'accuracy'; timeoutMs: number }): Promise<Timing> {
  const store = (globalThis as unknown as PageGlobals).__vtpStudio.store;
  const slider = document.querySelector<HTMLInputElement>('.prune-slider input[type="range"]')!;
  const costText = () => `${document.querySelector('[data-testid="params-saved"]')?.textContent}|${document.querySelector('[data-testid="macs-saved"]')?.textContent}`;
  const before = costText();
  const rate = args.pct / 100;
  const accuracy = () => { const m = store.getState().maskedAccuracy; return m !== null && m.settings.rate === rate ? m : null; };
  const changed = () => (args.wait === 'cost' ? costText() !== before : accuracy()?.partial === false);
  return new Promise((resolve, reject) => {
    let t0 = 0;
    let firstMs = -1;
    const timer = setTimeout(() => { observer.disconnect(); unsubscribe(); reject(new Error(`no ${args.wait} update for ${args.pct}% within ${args.timeoutMs} ms`)); }, args.timeoutMs);
    const finish = (): void => {
      const domMs = performance.now() - t0;
      observer.disconnect();
      unsubscribe();
      clearTimeout(timer);
      // The message posted in the frame's rAF callback runs after that frame is painted.
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ domMs, frameMs: performance.now() - t0, firstMs, n: accuracy()?.n ?? 0 });
        channel.port2.postMessage(0);
      });
    };
    const check = (): void => { if (changed()) finish(); };
    const observer = new MutationObserver(check);
    observer.observe(document.querySelector('[data-testid="prune-figures"]')!, { subtree: true, childList: true, characterData: true });
    const unsubscribe = store.subscribe(() => {
      if (args.wait !== 'accuracy') return;
      if (firstMs < 0 && accuracy()) firstMs = performance.now() - t0;
      check();
    });
    t0 = performance.now();
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(slider, String(args.pct));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Rates visited by the cost moves: big jumps, so that both figures change every time. */
function costRates(moves: number): number[] {
  const cycle = [10, 50, 20, 60, 30, 70, 40, 80];
  return Array.from({ length: moves }, (_, i) => cycle[i % cycle.length]);
}

/** Times `costMoves` cost-figure updates, then `accuracyMoves` masked-accuracy updates, each from an idle worker. */
export async function sliderBench(page: Page, opts: { costMoves: number; accuracyMoves: number; accuracyTimeoutMs: number }): Promise<SliderResult> {
  await accuracySettled(page, opts.accuracyTimeoutMs);
  const cost: Timing[] = [];
  for (const pct of costRates(opts.costMoves)) {
    cost.push(await page.evaluate(moveSlider, { pct, wait: 'cost' as const, timeoutMs: 5_000 }));
    await page.waitForTimeout(100);
  }
  const accuracy: Timing[] = [];
  for (let i = 0; i < opts.accuracyMoves; i++) {
    await accuracySettled(page, opts.accuracyTimeoutMs);
    accuracy.push(await page.evaluate(moveSlider, { pct: [35, 55, 45][i % 3], wait: 'accuracy' as const, timeoutMs: opts.accuracyTimeoutMs }));
  }
  return {
    costDom: stats(cost.map((t) => t.domMs)), costFrame: stats(cost.map((t) => t.frameMs)),
    accuracyFirst: stats(accuracy.map((t) => t.firstMs)), accuracy: stats(accuracy.map((t) => t.domMs)), accuracyFrame: stats(accuracy.map((t) => t.frameMs)),
    accuracyImages: accuracy[0]?.n ?? 0, moves: opts.costMoves, accuracyMoves: opts.accuracyMoves,
  };
}
