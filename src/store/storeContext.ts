/** Shared types of the store's slices: the full store type, its runtime (non-rendered) parts and the defaults. */
import type { StoreApi } from 'zustand';
import type { MaskedAccuracy, PruneSettings, ScoreTrainingSettings } from '../worker/engineApi';
import type { AccuracyScheduler } from './accuracyScheduler';
import { IDLE } from './jobState';
import type { Persistence } from './persistence';
import type { SaveQueue } from './saveQueue';
import type { CheckpointRecord, DatasetRef, ModelRef, SavedClassMap, TrainRun, UserNormalisation } from './sessionRecord';
import type { StudioActions, StudioState } from './studioState';
import type { EngineClient } from './workerClient';
import type { BackendName, ExportedFile } from '../worker/engineApi';

/** The whole store: state and actions. */
export type Studio = StudioState & StudioActions;

/** zustand's set for the studio. */
export type SetStudio = StoreApi<Studio>['setState'];
/** zustand's get for the studio. */
export type GetStudio = StoreApi<Studio>['getState'];

/** What the store is built with (injectable for tests). */
export interface StudioDeps {
  client: EngineClient;
  persistence: Persistence;
  /** Absolute base URL of the app (demo assets are fetched relative to it). */
  baseUrl: string;
  /** Offers an exported file as a download. */
  download: (file: ExportedFile) => void;
  /** Validation images for the masked accuracy and the sweep. */
  accuracyLimit: number;
  /** Validation images per model of the per-layer sensitivity. */
  sensitivityLimit: number;
  /** Batch sizes and timed rounds of "Measure speed". */
  slimSpeed: { batches: number[]; runs: number };
  /** Debounce of masked-accuracy requests after a slider move. */
  accuracyDelayMs: number;
  /** Step of the background accuracy grid (fraction, e.g. 0.05); 0 = no grid. */
  accuracyGridStep: number;
  /**
   * Smallest gap between two checkpoint writes during training. 0 by default: the worker sends scores at
   * most twice a second and one write is in flight at a time, so every snapshot that reaches the page is
   * saved as soon as the previous write ends (a reload then loses only what the page had not received).
   */
  checkpointIntervalMs: number;
  /** Largest total of file bytes kept in IndexedDB for an imported model or dataset. */
  maxStoredBytes: number;
  now: () => number;
  /** Backends the worker may use, best first (default all: WebGPU, WebGL, WASM, CPU); given = never measured. */
  backendOrder?: BackendName[];
  /** Where backend timings and the user's override are kept (localStorage in the app; none = measured every load). */
  backendStore?: KeyValueStore;
  /** The browser, part of the timing cache's key (navigator.userAgent in the app). */
  browser?: string;
}

/** The part of localStorage the cache uses (an in-memory map in tests). */
export interface KeyValueStore { getItem(key: string): string | null; setItem(key: string, value: string): void }

/** The grid's figures for one model, dataset, label mapping, scores and non-rate settings. */
export interface AccuracyGrid { key: string; points: Map<number, MaskedAccuracy>; running: boolean; timer: ReturnType<typeof setTimeout> | null }

/** Default numbers of the deps. */
export const STUDIO_DEP_DEFAULTS = {
  accuracyLimit: 1000, sensitivityLimit: 500, slimSpeed: { batches: [1, 64], runs: 7 }, accuracyDelayMs: 50, accuracyGridStep: 0, checkpointIntervalMs: 0, maxStoredBytes: 512 * 1024 ** 2, now: () => Date.now(),
};

/** Non-rendered state of one store: job ids, references for persistence, schedulers. */
export interface Runtime {
  deps: StudioDeps;
  jobCounter: number;
  trainJobId: string | null;
  sweepJobId: string | null;
  /** The running per-layer sensitivity job (sensitivitySlice.ts). */
  sensitivityJobId: string | null;
  /** The running "Measure speed" job (slimSpeedSlice.ts). */
  speedJobId: string | null;
  /** The running latency-table measurement (latencySlice.ts). */
  latencyJobId: string | null;
  finetuneJobId: string | null;
  /** The running accuracy measurement of the report (accuracyJobs.ts). */
  evalJobId: string | null;
  /** Training run position (for resume after reload or crash). */
  run: TrainRun | null;
  /** Steps done before the current worker call (a resumed run), for the time-left estimate. */
  runStartStep: number;
  modelRef: ModelRef | null;
  datasetRef: DatasetRef | null;
  /** The class mapping of the saved session, applied once its dataset is loaded again (then cleared). */
  savedClassMap: SavedClassMap | null;
  /** Normalisation the user set for the loaded model (saved with the settings); null = the checkpoint's. */
  userNormalisation: UserNormalisation | null;
  starting: Promise<void> | null;
  accuracy: AccuracyScheduler<MaskedAccuracy>;
  /** The background accuracy grid (accuracyGrid.ts). */
  grid: AccuracyGrid;
  checkpoints: SaveQueue<Omit<CheckpointRecord, 'version'>>;
  settingsTimer: ReturnType<typeof setTimeout> | null;
  /** A preview waiting to follow new scores while training runs (refreshPreviewSoon). */
  previewTimer: ReturnType<typeof setTimeout> | null;
}

/** A fresh job id such as "train-3". */
export function nextJobId(rt: Runtime, kind: string): string {
  rt.jobCounter += 1;
  return `${kind}-${rt.jobCounter}`;
}

/** Score-training defaults shown in the form: 300 steps of 64 matching the unpruned model (measured best; README "VTP on the demo model"). */
export const DEFAULT_TRAIN_SETTINGS: ScoreTrainingSettings = { steps: 300, batchSize: 64, lr: 1e-2, l1: 1e-4, trainWeights: false, sublayerGates: false, seed: 0, target: 'original' };

/** Prune defaults: 40%, VTP scores, binary masks (measured better than folding on the demo model), no rounding, no overrides. */
export const DEFAULT_PRUNE: PruneSettings = { rate: 0.4, criterion: 'vtp', fold: false, roundTo: 1, blockRates: {}, unit: 'rate' };

/** The state of a new session. */
export function initialState(): StudioState {
  return {
    backend: null, notice: null,
    model: null, modelJob: IDLE, predictions: [], baselineAccuracy: null, accuracyImages: null,
    dataset: null, datasetJob: IDLE, valFraction: 0.2, labelMode: 'labels', classMap: null,
    trainSettings: { ...DEFAULT_TRAIN_SETTINGS }, trainJob: IDLE, trainHistory: [], scores: null,
    prune: { ...DEFAULT_PRUNE, blockRates: {} }, preview: null, maskedAccuracy: null, maskedAccuracyError: null,
    sweep: [], sweepJob: IDLE, sensitivity: null, sensitivityFrom: null, sensitivityJob: IDLE, slimSpeed: null, slimSpeedJob: IDLE, latencyJob: IDLE,
    pruned: null, prunedWith: null, prunedFrom: null, weightsVersion: 0, prunedAccuracy: null, finetuneJob: IDLE, finetuneAccuracy: null,
    prunedAgreement: null, finetuneAgreement: null, finetuneDistill: false, newHeadJob: IDLE,
    exportFormat: 'safetensors', exportJob: IDLE, evalJob: IDLE, scoresJob: IDLE,
  };
}

/** Persistence errors become a visible notice (never swallowed). */
export function reportStorage(set: SetStudio, message: string): void {
  set({ notice: message });
}

/** Type of a slice factory. */
export type SliceFactory<K extends keyof StudioActions> = (set: SetStudio, get: GetStudio, rt: Runtime) => Pick<StudioActions, K>;

/** Re-export for slices. */
export type { CheckpointRecord };
