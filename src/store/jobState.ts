/** JobState values and the one-line messages the UI shows for long actions. */
import type { TrainProgress } from '../worker/engineApi';
import type { JobState } from './studioState';

/** A job that has not run. */
export const IDLE: JobState = { status: 'idle', fraction: null, message: '' };

/** A running job with a message and, when known, the fraction done. */
export function running(message: string, fraction: number | null = null): JobState {
  return { status: 'running', fraction, message };
}

/** A finished job. */
export function done(message: string): JobState {
  return { status: 'done', fraction: 1, message };
}

/** The readable message of anything thrown (comlink keeps Error messages). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** A failed job showing the error's message. */
export function failed(error: unknown): JobState {
  return { status: 'error', fraction: null, message: errorText(error) };
}

/** "25 s", "4 min 10 s" or "1 h 5 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "step 120/300 · 410 img/s · 25 s left". */
export function trainMessage(p: TrainProgress, stepsThisRun = p.step): string {
  const perStep = stepsThisRun > 0 ? p.elapsedMs / 1000 / stepsThisRun : NaN;
  const left = formatDuration((p.steps - p.step) * perStep);
  return `step ${p.step}/${p.steps} · ${Math.round(p.imagesPerSecond)} img/s · ${left} left`;
}

/** JobState of a training run at progress `p`. */
export function trainState(p: TrainProgress, status: JobState['status'] = 'running', stepsThisRun = p.step): JobState {
  return { status, fraction: p.steps > 0 ? p.step / p.steps : null, message: trainMessage(p, stepsThisRun) };
}
