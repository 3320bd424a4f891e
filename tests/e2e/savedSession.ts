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
 * Reads one committed record of the saved session (database "vit-pruning-studio", store "session"; see
 * src/store/persistence.ts), typed arrays as plain arrays. Call it only once the studio has opened its database.
 */
async function savedRecord<T>(page: Page, key: 'settings' | 'checkpoint'): Promise<T | undefined> {
  return page.evaluate((k) => new Promise<T | undefined>((resolve, reject) => {
    const open = indexedDB.open('vit-pruning-studio');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('session', 'readonly').objectStore('session').get(k);
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        db.close();
        const plain = (v: unknown): unknown => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array)
          : Array.isArray(v) ? v.map(plain)
            : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([a, b]) => [a, plain(b)])) : v);
        resolve(plain(get.result) as T | undefined);
      };
    };
  }), key);
}

/** The committed training checkpoint, flattened for comparison; null when none has been written. */
export async function savedCheckpoint(page: Page): Promise<SavedCheckpoint | null> {
  const cp = await savedRecord<{
    run: { done: number; status: string } | null; history: { step: number }[]; scores: { blocks: Record<string, number[]>[] } | null;
  }>(page, 'checkpoint');
  if (!cp) return null;
  return {
    done: cp.run?.done ?? 0, status: cp.run?.status ?? 'none', historySteps: cp.history.map((h) => h.step),
    scores: cp.scores ? cp.scores.blocks.flatMap((b) => ['qkv', 'attn', 'fc1', 'hidden'].flatMap((g) => b[g])) : null,
  };
}

/** The committed prune rate of the saved settings (undefined before any settings were saved). */
export async function savedPruneRate(page: Page): Promise<number | undefined> {
  return (await savedRecord<{ prune: { rate: number } }>(page, 'settings'))?.prune.rate;
}

/** The committed prune settings of the saved session (undefined before any settings were saved). */
export async function savedPruneSettings(page: Page): Promise<{ rate: number; unit?: string; heads?: boolean; sublayers?: boolean } | undefined> {
  return (await savedRecord<{ prune: { rate: number; unit?: string; heads?: boolean; sublayers?: boolean } }>(page, 'settings'))?.prune;
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
