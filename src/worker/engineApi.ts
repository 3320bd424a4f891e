/**
 * The typed RPC surface of the engine worker (the one Web Worker that owns tfjs), as the UI sees it
 * through comlink. Everything crossing it is structured-cloneable: numbers, strings, plain objects,
 * typed arrays (transferred with comlink.transfer where large). Never tensors.
 */
import type { LabelMode } from '../data/classMatch';
import type { GateName } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';
import type { BlockScores } from '../prune/scoreSet';

/** tfjs backends in the order the worker tries them. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** One backend's timings at load (ms, batch of 2 images): null where not measured; why in `note`. */
export interface BackendMeasurement {
  backend: BackendName;
  /** A forward pass of the loaded model, after a warm-up pass. */
  forwardMs: number | null;
  /** One score step (forward and backward to the gates), when it fitted in the budget. */
  stepMs: number | null;
  /** A software adapter (SwiftShader, WebGPU fallback adapter): never preferred unless it measured faster. */
  software: boolean;
  /** Why it was not measured, or what kind of adapter it is. */
  note?: string;
}

/** How the backend was chosen: fastest measured now, from measurements cached for this browser and model size, by the user, or the first usable one. */
export type BackendChoiceReason = 'measured' | 'cached' | 'user' | 'order';

/** Which backend the worker got, and why the better ones were not used. */
export interface BackendReport {
  backend: BackendName;
  /** One line per backend that was tried and refused, e.g. "WebGPU unavailable: no adapter". */
  notes: string[];
  /** The timings the choice was made from (absent before a model is loaded or when the order was forced). */
  measurements?: BackendMeasurement[];
  chosenBy?: BackendChoiceReason;
}

/** What the page passes to choose a backend for the loaded model: cached timings and the user's override. */
export interface BackendChoiceRequest {
  /** Timings cached for this browser and model size (skips measuring when they cover the usable backends). */
  cached?: BackendMeasurement[] | null;
  /** The user's choice; null = the fastest. */
  preferred?: BackendName | null;
  /** Total time for measuring (ms). */
  budgetMs?: number;
}

/** A file handed to the worker: its relative path and bytes (transferred). */
export interface WorkerFile { name: string; bytes: ArrayBuffer }

/** Params and MACs of one block, per image. */
export interface BlockCostInfo { params: number; macs: number }

/** What the UI shows about a loaded model. */
export interface ModelInfo {
  /** Id of the model in the worker (changes whenever a new model is loaded). */
  id: string;
  name: string;
  source: 'timm' | 'hf-v4' | 'hf-v5' | 'vtp' | 'demo';
  config: VitConfig;
  params: number;
  macs: number;
  blocks: BlockCostInfo[];
  warnings: string[];
  /** The weight-magnitude criterion's scores of this model (for the main-thread preview); absent on old workers. */
  magnitude?: ScoreSnapshot;
}

/** How a dataset's classes map onto the model's: the model's names, the mapping in use, and what names suggested. */
export interface ClassMapInfo {
  /** The model's class names ("0".."n-1" when it names none). */
  modelClasses: string[];
  /** Model class index per dataset class in use, [dataset classes]; -1 where none is chosen. */
  mapping: number[];
  /** What matching by name gave, [dataset classes]; -1 where no name fits. */
  byName: number[];
  /** Dataset classes whose name fits several model classes, with those names. */
  ambiguous: { name: string; candidates: string[] }[];
  labelMode: LabelMode;
}

/** A labelled dataset as the UI sees it (the pixels stay in the worker; thumbnails are small copies). */
export interface DatasetInfo {
  id: string;
  name: string;
  /** The dataset's own class names (folder names); counts and thumbnail labels index them. */
  classNames: string[];
  /** Images per class in the training and validation splits. */
  trainCounts: number[];
  valCounts: number[];
  /** Thumbnails: up to `perClass` images per class as uint8 [C, H, W] at the model's input size. */
  thumbnails: { label: number; pixels: Uint8Array; shape: [number, number, number] }[];
  skipped: { file: string; reason: string }[];
  /** Warnings such as "class 'bag' has only 3 images". */
  warnings: string[];
  /** Fraction of the images in the validation split, as actually split. */
  valFraction?: number;
  /** The class mapping onto the model (absent on old workers). */
  classMap?: ClassMapInfo;
  /** True for loose images without classes (label-free mode: no accuracy, agreement only); shown as one group "unlabelled". */
  unlabelled?: boolean;
  /** Images in the training and validation splits (also when unlabelled). */
  trainImages?: number;
  valImages?: number;
}

/** One prediction on a sample image (the first validation images); pixels are a small uint8 [C, H, W] copy. */
export interface Prediction {
  label: number;
  predicted: number;
  confidence: number;
  pixels?: Uint8Array;
  shape?: [number, number, number];
}

/** What the scores learn from: cross-entropy on the labels (VTP), or matching the unpruned model's predictions (distillation). */
export type ScoreTarget = 'labels' | 'original';

/** Settings of score training (see src/train/scoreTraining.ts for the defaults). */
export interface ScoreTrainingSettings {
  steps: number;
  batchSize: number;
  lr: number;
  l1: number;
  trainWeights: boolean;
  /** Also learn one scalar gate per sublayer (attention, MLP) under the same L1; absent = false (settings saved before it existed). */
  sublayerGates?: boolean;
  seed: number;
  /** Absent = 'labels' (settings saved before the choice existed); label-free data always trains on 'original'. */
  target?: ScoreTarget;
}

/** Per-step training progress (throttled by the worker to at most ~10 per second). */
export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  ce: number;
  l1: number;
  accuracy: number;
  /** Fraction of all scores with |a| < 0.05. */
  nearZero: number;
  imagesPerSecond: number;
  elapsedMs: number;
  /** Per gate kind: mean |a| and fraction near zero. */
  gateStats: Record<GateName, { mean: number; nearZero: number; max: number }>;
}

/**
 * Scores of every block and gate, as plain Float32Arrays (transferred). During training `step` is the
 * number of updates these scores follow (a checkpoint resumes from there), which may trail the progress
 * event's step that carries them.
 */
export interface ScoreSnapshot { blocks: BlockScores[]; step?: number }

import type { PruneSettings } from '../prune/pruneSettings';
export type { PruneSettings, PrunePreview } from '../prune/pruneSettings';
import type { LatencyTable } from '../prune/latencyTable';
export type { LatencyTable } from '../prune/latencyTable';

/**
 * One point of the accuracy-vs-cost sweep; accuracy is NaN without labels (null once persisted), agreement =
 * top-1 agreement 0..1 with the unpruned model (absent on old sessions); n = validation images both rest on.
 */
export interface SweepPoint { criterion: 'vtp' | 'magnitude'; rate: number; accuracy: number; macsSaved: number; paramsSaved: number; n: number; agreement?: number }

export type { BlockSensitivityInfo, SensitivityReport, SlimSpeedInfo, SlimSpeedPoint, SuggestedOverridesInfo } from './analysisReports';
import type { SensitivityReport, SlimSpeedInfo } from './analysisReports';

/** Export formats; 'safetensors' is the project format (config.json + model.safetensors). */
export type ExportFormat = 'safetensors' | 'onnx' | 'tfjs' | 'torch' | 'timm';

/** A downloadable file produced by the worker. */
export interface ExportedFile { fileName: string; bytes: ArrayBuffer; mime: string }

/** Long-running calls report progress through a callback (a comlink proxy) and can be cancelled by job id. */
export interface JobHandle { jobId: string }

/** Message of the error a maskedAccuracy call rejects with when a newer call replaced it (ignore it). */
export const SUPERSEDED = 'superseded';

/** Where a score-training call starts: `fromStep` > 0 continues a run (paused, reloaded, crashed) from the session's scores. */
export interface TrainStart { fromStep: number }

/** A notice from the worker that the UI should show (e.g. the GPU was lost and the worker fell back). */
export interface EngineNotice { message: string; backend: BackendReport }

/**
 * Hard-masked accuracy (0..1; NaN without labels) on n of `total` validation images; partial while images remain.
 * agreement: top-1 agreement 0..1 with the unpruned model (final results only).
 */
export interface MaskedAccuracy {
  accuracy: number; n: number; total: number; partial: boolean; settings: PruneSettings; agreement?: number | null;
  /** Set when the figure is the background grid's at this rate (near the slider's), shown until the exact one arrives. */
  gridRate?: number;
}

/** Accuracy (NaN without labels) of the loaded or pruned model on the validation split, the pruned model's agreement; cancelled when a job cancel stopped it early. */
export interface EvaluateInfo { accuracy: number; n: number; agreement?: number | null; cancelled?: boolean }

/** Progress of a new-head fit: features of the images, then the fit's steps. */
export interface NewHeadProgressInfo { phase: 'features' | 'fit'; done: number; total: number }

/** The worker's methods. Every method may reject with an Error whose message is shown to the user. */
export interface EngineApi {
  /**
   * Picks the backend (first usable of `options.order`, default WebGPU, WebGL, WASM, CPU); `onNotice` (a comlink
   * proxy) receives later notices such as a device-loss fallback.
   */
  init(onNotice?: (notice: EngineNotice) => void, options?: { order?: BackendName[] }): Promise<BackendReport>;
  /**
   * Chooses the backend for the loaded model: the user's override, else the fastest by `cached` timings, else
   * by measuring every usable backend within the budget. Unchanged when init was given an explicit order.
   */
  chooseBackendForModel(request: BackendChoiceRequest): Promise<BackendReport>;
  loadDemoModel(baseUrl: string): Promise<ModelInfo>;
  /** Sets the loaded model's input normalisation (per-channel mean and std of [0, 1] pixels); rejects wrong counts or std ≤ 0. */
  setNormalisation(mean: number[], std: number[]): Promise<ModelInfo>;
  loadModel(files: WorkerFile[], name: string): Promise<ModelInfo>;
  predict(count: number): Promise<Prediction[]>;
  loadSampleDataset(baseUrl: string): Promise<DatasetInfo>;
  loadDataset(files: WorkerFile[], name: string, options: { valFraction: number; className?: string }): Promise<DatasetInfo>;
  resplit(valFraction: number, seed: number): Promise<DatasetInfo>;
  /**
   * Sets the model class of every dataset class (-1 = none yet) and the label mode; relabels the loaded images
   * without reading them again. Training and evaluation refuse until every class is mapped in the 'labels' mode.
   */
  setClassMap(mapping: number[], labelMode: LabelMode): Promise<DatasetInfo>;
  /** The current dataset (re-read at the model's input size after a model change; null when unloaded). */
  datasetInfo(): Promise<DatasetInfo | null>;
  /**
   * Trains the scores; `steps` in the result is the last step reached (of settings.steps). Progress at most
   * ~10/s; score snapshots at most ~2/s and always with the last event. Pause holds the loop after its
   * current step and sends the exact scores; resume continues it as if never paused (same Adam moments).
   */
  trainScores(jobId: string, settings: ScoreTrainingSettings, onProgress: (p: TrainProgress, scores: ScoreSnapshot | null) => void,
    start?: TrainStart): Promise<{ stopped: string | null; steps: number }>;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  getScores(): Promise<ScoreSnapshot | null>;
  setScores(scores: ScoreSnapshot): Promise<void>;
  /**
   * Reads a score file (blocks.N.gate.{qkv,attn,fc1,hidden}, e.g. from `vtp_torch.py train-scores`), checks it against
   * the loaded model (gates, lengths, finite values) and makes it the session's scores; rejects with the reason.
   */
  importScores(file: WorkerFile): Promise<ScoreSnapshot>;
  /** The session's scores as a score file download; rejects when there are none. */
  exportScores(): Promise<ExportedFile>;
  /**
   * Accuracy of the hard-masked model; `onPartial` (a comlink proxy) gets the running figure after every
   * batch. Latest wins: an older call still running rejects with Error(SUPERSEDED).
   */
  maskedAccuracy(settings: PruneSettings, limit: number, onPartial?: (p: MaskedAccuracy) => void): Promise<MaskedAccuracy>;
  /** Masked accuracy at every rate for both criteria (other settings from `base`, default the current defaults). */
  sweep(jobId: string, rates: number[], onPoint: (p: SweepPoint) => void, options?: { limit?: number; base?: Partial<PruneSettings> }): Promise<SweepPoint[]>;
  /** Agreement lost by pruning each block alone at `settings` on `limit` validation images, and suggested overrides; cancellable by job id. */
  sensitivity(jobId: string, settings: PruneSettings, limit: number, onProgress?: (p: { done: number; total: number }) => void): Promise<SensitivityReport>;
  prune(settings: PruneSettings): Promise<ModelInfo>;
  /**
   * A latency table of the loaded model on the engine's backend at `batch` images per pass (every block shape and its
   * cuts timed alternating; seconds for the demo model): what a latency budget predicts from. Not cancellable.
   */
  latencyTable(jobId: string, batch: number): Promise<LatencyTable>;
  /** Times the pruned model against the unpruned one at each batch size (runs timed rounds each), cancellable by job id. */
  slimSpeed(jobId: string, batches: number[], runs: number, onProgress?: (p: { done: number; total: number }) => void): Promise<SlimSpeedInfo>;
  /** Finetunes the pruned model; distill (always on in label-free mode or without labels) distils from the unpruned model. */
  finetune(jobId: string, settings: { steps: number; batchSize: number; lr: number; distill?: boolean }, onProgress: (p: TrainProgress) => void):
    Promise<{ accuracy: number; n: number; stopped: string | null; steps: number; agreement?: number | null }>;
  /**
   * "New head for these classes": fits a linear head for the dataset's own classes on frozen features of its
   * training split; the session's model becomes the model with the new head (scores and pruned model dropped).
   * `files` are that model in the project format (config.json, model.safetensors), to keep it across reloads.
   */
  newHead(jobId: string, onProgress: (p: NewHeadProgressInfo) => void):
    Promise<{ model: ModelInfo; valAccuracy: number | null; dataset: DatasetInfo | null; files: WorkerFile[] }>;
  exportModel(format: ExportFormat, report: object): Promise<ExportedFile>;
  /**
   * Accuracy of the loaded ('model') or pruned ('pruned') model on the first `limit` validation images; with
   * `jobId` it runs as a cancellable job reporting images done through `onProgress` (a comlink proxy).
   */
  evaluate(target: 'model' | 'pruned', limit: number, jobId?: string, onProgress?: (p: { done: number; total: number }) => void): Promise<EvaluateInfo>;
  memory(): Promise<{ numTensors: number; numBytes: number }>;
  /** Test hook: destroys the WebGPU device (as a driver reset would); false when not on WebGPU. */
  loseDeviceForTest(): Promise<boolean>;
}
