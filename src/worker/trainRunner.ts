/**
 * A score-training job as a sequence of segments, each one trainScores call starting from the last
 * scores. Pause holds the running loop between steps at the job's gate (after publishing the exact
 * current scores), so resume continues with the same optimizer state and batches. A lost GPU device ends
 * the segment, and training continues on the fallback backend from the last scores read back, in a new
 * segment: its learning-rate schedule continues where it stopped (the cosine restarts from the current
 * rate over the remaining steps) and Adam's moments restart.
 */
import * as comlink from 'comlink';
import { vitLogits } from '../model/vitForward';
import { paramsToHost } from '../model/paramsToHost';
import { disposeVitParams, vitParams, type VitParams } from '../model/vitParams';
import type { ScoreSet } from '../prune/scoreSet';
import { scoreLayout, unflattenScores } from '../train/flatScores';
import { warmupCosine, SCHEDULE_DEFAULTS } from '../train/schedule';
import { DISTILL_DEFAULTS } from '../train/teacher';
import { trainScores, ungatedTeacher, type ScoreStepInfo, type ScoreTrainingOptions, type ScoreTrainingResult } from '../train/scoreTraining';
import type { BackendManager } from './backendManager';
import type { ScoreSnapshot, ScoreTrainingSettings, TrainProgress, TrainStart } from './engineApi';
import type { Job } from './jobs';
import { RateLimiter } from './rateLimiter';
import { ScoreCapture } from './scoreCapture';
import { snapshotBuffers, toSnapshot } from './scoreSnapshot';
import { distillForced, type EngineSession } from './session';
import { gateCounts, scoreProgress } from './trainProgress';

/** Progress callback of a training job (a comlink proxy in the browser). */
export type TrainCallback = (p: TrainProgress, scores: ScoreSnapshot | null) => void;

/** What a training job needs from the engine, and its event rates. */
export interface TrainDeps {
  session: EngineSession;
  backend: BackendManager;
  now: () => number;
  /** Smallest gap between progress events (100 ms = 10/s). */
  progressIntervalMs: number;
  /** Smallest gap between score snapshots (500 ms = 2/s). */
  snapshotIntervalMs: number;
}

/** Mutable progress of one job across its segments. */
interface RunState {
  settings: ScoreTrainingSettings;
  step: number;
  scores: ScoreSet | null;
  segment: number;
  t0: number;
  images: number;
  last: TrainProgress | null;
  snapshot: ScoreSnapshot | null;
  /** The latest scores read back in the running segment and the updates they follow. */
  captured: { scores: ScoreSet; updates: number } | null;
  /** Captures read back in the running segment, awaited before its result is used. */
  inflight: Promise<void>[];
  emit: (force: boolean) => void;
}

/** Options of one segment starting after `done` updates: remaining steps, continued schedule, new seed. */
export function segmentOptions(settings: ScoreTrainingSettings, done: number, segment: number): Partial<ScoreTrainingOptions> {
  const warmup = Math.ceil(SCHEDULE_DEFAULTS.warmupFraction * settings.steps);
  const continued = done > 0 && done >= warmup;
  return {
    steps: settings.steps - done,
    batchSize: settings.batchSize,
    l1: settings.l1,
    lr: continued ? warmupCosine(settings.lr, done, settings.steps) : settings.lr,
    weightLr: continued ? warmupCosine(SCORE_WEIGHT_LR, done, settings.steps) : SCORE_WEIGHT_LR,
    schedule: continued ? { warmupFraction: 0 } : {},
    trainWeights: settings.trainWeights,
    sublayerGates: settings.sublayerGates === true,
    seed: (settings.seed + segment * 7919) >>> 0,
    augment: { shift: 2 },
    labelSmoothing: 0.1,
  };
}

/** Learning rate of the weights when they are trained too (DESIGN.md section 3). */
const SCORE_WEIGHT_LR = 5e-4;

/** Checks the settings the UI sent. */
function checkSettings(s: ScoreTrainingSettings): void {
  if (!Number.isInteger(s.steps) || s.steps < 1) throw new Error(`steps must be a whole number ≥ 1, got ${s.steps}`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) throw new Error(`batch size must be a whole number ≥ 1, got ${s.batchSize}`);
  if (!(s.lr > 0) || !Number.isFinite(s.lr)) throw new Error(`learning rate must be > 0, got ${s.lr}`);
  if (!(s.l1 >= 0) || !Number.isFinite(s.l1)) throw new Error(`L1 strength must be ≥ 0, got ${s.l1}`);
}

/** Sends progress (throttled unless forced) with a pending snapshot attached (transferred, itself throttled). */
function makeEmitter(state: RunState, onProgress: TrainCallback, limiter: RateLimiter, snapshots: RateLimiter): (force: boolean) => void {
  return (force) => {
    if (!state.last || !limiter.accept(force)) return;
    const snapshot = state.snapshot && snapshots.accept(force) ? state.snapshot : null;
    if (snapshot) state.snapshot = null;
    const args = snapshot ? comlink.transfer(snapshot, snapshotBuffers(snapshot)) : null;
    try {
      void Promise.resolve(onProgress({ ...state.last }, args)).catch(() => {});
    } catch { /* the page went away; training goes on */ }
  };
}

/** Makes scores read back after `updates` updates the session's, the rewind point, and the next event's snapshot. */
function publishScores(deps: TrainDeps, state: RunState, flat: Float32Array, updates: number): void {
  const scores = unflattenScores(flat, scoreLayout(deps.session.requireModel().config, state.settings.sublayerGates === true));
  deps.session.scores = scores;
  state.captured = { scores, updates };
  state.snapshot = toSnapshot(scores, updates);
}

/** Stores a captured snapshot in the session and queues it for the next event (unless its segment ended). */
async function takeCapture(deps: TrainDeps, capture: ScoreCapture, state: RunState, segment: number): Promise<void> {
  const got = await capture.take().catch(() => null);
  if (!got || state.segment !== segment) return;
  publishScores(deps, state, got.flat, got.updates);
}

/** Between steps: while the job is paused, publishes the exact current scores once, then waits for resume or cancel. */
async function pausePoint(deps: TrainDeps, job: Job, state: RunState, readScores: () => Promise<Float32Array>): Promise<void> {
  if (!job.gate.paused) return;
  await Promise.all(state.inflight);
  publishScores(deps, state, await readScores(), state.last?.step ?? state.step);
  state.emit(true);
  await job.gate.wait();
}

type SegmentOutcome = { kind: 'done'; result: ScoreTrainingResult } | { kind: 'lost' };

/** Runs one segment; resolves 'lost' as soon as the device is lost (the old loop is abandoned). */
async function runSegment(deps: TrainDeps, job: Job, state: RunState): Promise<SegmentOutcome> {
  const { session } = deps;
  const model = session.requireModel();
  const data = session.requireData();
  const signal = job.newSegment();
  const done = state.step;
  const segment = state.segment;
  state.captured = null;
  state.inflight = [];
  const trainable = state.settings.trainWeights;
  const params: VitParams = trainable ? vitParams(model.config, model.host, true) : session.params();
  const capture = new ScoreCapture(done, { intervalMs: deps.snapshotIntervalMs, now: deps.now });
  const counts = gateCounts(model.config);
  const batch = Math.min(state.settings.batchSize, data.train.labels.length);
  const onStep = (info: ScoreStepInfo): void => {
    state.images += batch;
    state.last = scoreProgress(info, { step: done + info.step, steps: state.settings.steps, elapsedMs: deps.now() - state.t0, images: state.images }, counts);
    // A step whose scores were captured reports once they are read back, with them: the page (and its
    // checkpoint) then trails training by one update, not by a step more.
    const captured = capture.holding;
    const taking = takeCapture(deps, capture, state, segment);
    state.inflight.push(taking);
    if (captured) void taking.then(() => state.emit(false));
    else state.emit(false);
  };
  // "Match the original model" (chosen, or forced without labels): the teacher is the unpruned, ungated model, frozen.
  const distill = distillForced(data) || state.settings.target === 'original' ? { ...DISTILL_DEFAULTS, teacher: ungatedTeacher(session.params()) } : null;
  const options = { ...segmentOptions(state.settings, done, state.segment), initial: state.scores, distill, forward: capture.wrap((x, g) => vitLogits(params, x, g)) };
  let lost = false;
  let onLost!: () => void;
  const lostSignal = new Promise<SegmentOutcome>((resolve) => { onLost = () => { lost = true; resolve({ kind: 'lost' }); }; });
  const unsubscribe = deps.backend.onLoss(() => { job.interrupt('device-lost'); onLost(); });
  const between = (read: () => Promise<Float32Array>) => pausePoint(deps, job, state, read);
  const training = trainScores(params, data.train, options, { signal, onProgress: onStep, between });
  try {
    const finished = training.then((result): SegmentOutcome => ({ kind: 'done', result }));
    finished.catch(() => {}); // an abandoned loop (device lost) may still fail later: not an unhandled rejection
    const outcome = await Promise.race([finished, lostSignal]);
    if (outcome.kind === 'lost') return outcome;
    await Promise.all(state.inflight);
    if (trainable) session.replaceWeights(await paramsToHost(params));
    return outcome;
  } catch (error) {
    await new Promise((r) => setTimeout(r, 50)); // a lost device often surfaces as an error first
    if (lost) return { kind: 'lost' };
    throw error;
  } finally {
    unsubscribe();
    training.catch(() => {});
    capture.dispose();
    if (trainable) { try { disposeVitParams(params); } catch { /* device gone */ } }
  }
}

/** After a lost device: continue from the scores last read back in the lost segment, at their step. */
function rewindToCapture(deps: TrainDeps, state: RunState): void {
  if (state.captured) {
    state.scores = state.captured.scores;
    state.step = state.captured.updates;
  }
  if (state.scores) deps.session.scores = state.scores;
  state.segment += 1;
}

/** Runs a whole score-training job; resolves with why it stopped (null = all steps) and the steps reached. */
export async function runScoreTraining(deps: TrainDeps, job: Job, settings: ScoreTrainingSettings, onProgress: TrainCallback,
  start: TrainStart = { fromStep: 0 }): Promise<{ stopped: string | null; steps: number }> {
  checkSettings(settings);
  deps.session.requireModel();
  deps.session.requireData();
  const resume = start.fromStep > 0 && deps.session.scores !== null;
  const state: RunState = {
    settings, step: resume ? Math.min(start.fromStep, settings.steps) : 0, scores: resume ? deps.session.scores : null,
    segment: 0, t0: deps.now(), images: 0, last: null, snapshot: null, captured: null, inflight: [], emit: () => {},
  };
  state.emit = makeEmitter(state, onProgress, new RateLimiter({ intervalMs: deps.progressIntervalMs, now: deps.now }),
    new RateLimiter({ intervalMs: deps.snapshotIntervalMs, now: deps.now }));
  const stopped = await segments(deps, job, state);
  if (state.scores) {
    deps.session.scores = state.scores;
    state.snapshot = toSnapshot(state.scores, state.step);
  }
  if (state.last) state.last = { ...state.last, step: state.step };
  state.emit(true);
  return { stopped, steps: state.step };
}

/** The segment loop: waits while paused, recovers from device loss, stops on cancel, end or a fault. */
async function segments(deps: TrainDeps, job: Job, state: RunState): Promise<string | null> {
  while (state.step < state.settings.steps) {
    await job.gate.wait();
    if (job.cancelled) return 'cancelled';
    await deps.backend.ready();
    const outcome = await runSegment(deps, job, state);
    if (outcome.kind === 'lost') {
      await deps.backend.ready();
      rewindToCapture(deps, state);
      continue;
    }
    const { result } = outcome;
    state.step += result.steps;
    state.scores = result.scores;
    deps.session.scores = result.scores;
    state.segment += 1;
    if (result.stopped === null) return null;
    if (result.stopped !== 'cancelled') return result.stopped;
    if (job.cancelled) return 'cancelled';
    if (state.last) { state.last = { ...state.last, step: state.step }; state.snapshot = toSnapshot(result.scores, state.step); state.emit(true); }
  }
  return null;
}
