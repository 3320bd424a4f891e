/** The session the studio keeps in IndexedDB, read directly in the page (what a reload or a crash restores from). */
import { expect, type Page } from '@playwright/test';
import { fromStore, openStudio, setTraining, smallValidationSplit } from './studio';

/** The saved training checkpoint, flattened for comparison; null when none has been written. */
export interface SavedCheckpoint {
  /** Steps the saved scores follow (the run resumes from here). */
  done: number;
  status: string;
  historySteps: number[];
  /** Every score, block by block, gates qkv, attn, fc1, hidden. */
  scores: number[] | null;
}

/**
 * Reads the committed checkpoint record (database "vit-pruning-studio", store "session", key
 * "checkpoint"; see src/store/persistence.ts). Call it only once the studio has opened its database.
 */
export async function savedCheckpoint(page: Page): Promise<SavedCheckpoint | null> {
  return page.evaluate(() => new Promise<SavedCheckpoint | null>((resolve, reject) => {
    const open = indexedDB.open('vit-pruning-studio');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('session', 'readonly').objectStore('session').get('checkpoint');
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        db.close();
        const cp = get.result as undefined | {
          run: { done: number; status: string } | null; history: { step: number }[];
          scores: { blocks: Record<string, Float32Array>[] } | null;
        };
        if (!cp) { resolve(null); return; }
        const gates = ['qkv', 'attn', 'fc1', 'hidden'];
        resolve({
          done: cp.run?.done ?? 0, status: cp.run?.status ?? 'none', historySteps: cp.history.map((h) => h.step),
          scores: cp.scores ? cp.scores.blocks.flatMap((b) => gates.flatMap((g) => Array.from(b[g]))) : null,
        });
      };
    };
  }));
}

/** The scores the page's store holds now, flattened like SavedCheckpoint.scores. */
export async function storeScores(page: Page): Promise<number[] | null> {
  return fromStore(page, (s) => s.scores
    ? s.scores.blocks.flatMap((b) => ['qkv', 'attn', 'fc1', 'hidden'].flatMap((g) => Array.from((b as Record<string, Float32Array>)[g])))
    : null);
}

/** The last charted training step in the page's store (0 before any). */
export async function chartedStep(page: Page): Promise<number> {
  return fromStore(page, (s) => (s.trainHistory.length > 0 ? s.trainHistory[s.trainHistory.length - 1].step : 0));
}

/**
 * Opens the studio on WASM with a small validation split, starts a run of `steps` steps at batch
 * `batchSize`, and resolves once the charts show step `atLeast` (the run still going).
 */
export async function trainingUnderWay(page: Page, steps: number, batchSize: number, atLeast: number): Promise<void> {
  await openStudio(page, { backend: /WASM/ });
  await smallValidationSplit(page);
  await setTraining(page, steps, batchSize);
  await page.getByRole('button', { name: 'Train scores' }).click();
  await expect.poll(() => chartedStep(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(atLeast);
}
