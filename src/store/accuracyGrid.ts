/**
 * The background accuracy grid: once the scores stop changing (no training) and the worker is idle, the
 * masked accuracy at every grid rate (0, 5%, … 90%) is measured one point at a time, at low priority: any
 * user request (a slider move, training) supersedes the point in flight, and the grid carries on after it.
 * A slider move that lands near a grid point shows the grid's figure at once, marked as such.
 */
import type { MaskedAccuracy, PruneSettings, ScoreSnapshot } from '../worker/engineApi';
import { isSuperseded } from '../worker/latestWins';
import { labelsIssue } from './classMapState';
import { scoresHash } from './slimProvenance';
import type { AccuracyGrid, GetStudio, Runtime, Studio } from './storeContext';

/** A fresh, empty grid. */
export function emptyGrid(): AccuracyGrid {
  return { key: '', points: new Map(), running: false, timer: null };
}

/** A rate that lands within this distance of a grid point uses the grid's figure (fraction). */
export const GRID_NEAR = 0.01;

/** What the grid's figures depend on besides the rate. */
export function gridKey(s: Studio): string {
  const { rate: _rate, ...rest } = s.prune;
  return JSON.stringify([s.model?.id, s.dataset?.id, s.classMap, s.labelMode, s.scores ? scoresHash(s.scores) : null, rest]);
}

/** The grid rates for a step (0, step, …, ≤ 0.9), rounded to 1e-6. */
export function gridRates(step: number): number[] {
  if (!(step > 0)) return [];
  return Array.from({ length: Math.floor(0.9 / step + 1e-9) + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
}

/** The grid's figure for `settings` when its rate is near a measured grid point, marked with that point's rate; else null. */
export function gridFigure(rt: Runtime, s: Studio, settings: PruneSettings): MaskedAccuracy | null {
  if (rt.grid.key !== gridKey(s)) return null;
  let best: MaskedAccuracy | null = null;
  for (const [rate, point] of rt.grid.points) {
    const d = Math.abs(rate - settings.rate);
    if (d <= GRID_NEAR + 1e-9 && (!best || d < Math.abs(best.settings.rate - settings.rate))) best = point;
  }
  return best ? { ...best, settings, gridRate: best.settings.rate } : null;
}

/** True while something the user asked for runs or waits: the grid waits for it. */
function userBusy(rt: Runtime, s: Studio): boolean {
  const jobs = [s.trainJob, s.sweepJob, s.sensitivityJob, s.slimSpeedJob, s.latencyJob, s.finetuneJob, s.evalJob, s.exportJob, s.modelJob, s.datasetJob];
  return rt.accuracy.busy || jobs.some((j) => j.status === 'running' || j.status === 'paused');
}

/** Gap between two looks at a busy worker (ms). */
const BUSY_RETRY_MS = 1000;

/** Schedules the next grid point in a task of its own (no-op while one runs or the grid is off). */
export function scheduleGrid(get: GetStudio, rt: Runtime, delayMs = 0): void {
  if (!(rt.deps.accuracyGridStep > 0) || rt.grid.running || rt.grid.timer !== null) return;
  rt.grid.timer = setTimeout(() => { rt.grid.timer = null; void gridStep(get, rt); }, delayMs);
}

/** Measures one missing grid point when idle, then schedules the next. */
async function gridStep(get: GetStudio, rt: Runtime): Promise<void> {
  const s = get();
  if (!s.model || !s.dataset || labelsIssue(s) !== null) return; // asked again after the next result
  if (userBusy(rt, s)) { scheduleGrid(get, rt, BUSY_RETRY_MS); return; } // a paused run waits too
  const key = gridKey(s);
  if (rt.grid.key !== key) rt.grid = { ...emptyGrid(), key };
  const rate = gridRates(rt.deps.accuracyGridStep).find((r) => !rt.grid.points.has(r));
  if (rate === undefined) return;
  const settings: PruneSettings = { ...s.prune, blockRates: { ...s.prune.blockRates }, rate };
  rt.grid.running = true;
  try {
    const r = await rt.deps.client.call((api) => api.maskedAccuracy(settings, rt.deps.accuracyLimit));
    if (rt.grid.key === key && gridKey(get()) === key) rt.grid.points.set(rate, { ...r, settings });
  } catch (error) {
    if (!isSuperseded(error)) return; // a failure stops the grid until the next result
  } finally {
    rt.grid.running = false;
  }
  scheduleGrid(get, rt);
}
