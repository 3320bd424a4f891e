/**
 * The typed RPC surface of the engine worker (the one Web Worker that owns tfjs), as the UI sees it
 * through comlink. Everything crossing it is structured-cloneable: numbers, strings, plain objects,
 * typed arrays (transferred with comlink.transfer where large). Never tensors.
 */
import type { GateName } from '../model/gateLayout';
import type { BlockDims, VitConfig } from '../model/vitConfig';

/** tfjs backends in the order the worker tries them. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Which backend the worker got, and why the better ones were not used. */
export interface BackendReport {
  backend: BackendName;
  /** One line per backend that was tried and refused, e.g. "WebGPU unavailable: no adapter". */
  notes: string[];
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
}

/** A labelled dataset as the UI sees it (the pixels stay in the worker; thumbnails are small copies). */
export interface DatasetInfo {
  id: string;
  name: string;
  classNames: string[];
  /** Images per class in the training and validation splits. */
  trainCounts: number[];
  valCounts: number[];
  /** Thumbnails: up to `perClass` images per class as uint8 [C, H, W] at the model's input size. */
  thumbnails: { label: number; pixels: Uint8Array; shape: [number, number, number] }[];
  skipped: { file: string; reason: string }[];
  /** Warnings such as "class 'bag' has only 3 images". */
  warnings: string[];
}

/** One prediction on a sample image. */
export interface Prediction { label: number; predicted: number; confidence: number }

/** Settings of score training (see src/train/scoreTraining.ts for the defaults). */
export interface ScoreTrainingSettings {
  steps: number;
  batchSize: number;
  lr: number;
  l1: number;
  trainWeights: boolean;
  seed: number;
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

/** Scores of every block and gate, as plain Float32Arrays (transferred). */
export interface ScoreSnapshot { blocks: Record<GateName, Float32Array>[] }

/** Settings of the prune slider and its options. */
export interface PruneSettings {
  rate: number;
  criterion: 'vtp' | 'magnitude';
  fold: boolean;
  roundTo: number;
  blockRates: Record<number, number>;
}

/** Result of a prune decision: kept dims per block, costs, threshold. */
export interface PrunePreview {
  threshold: number | null;
  blocks: BlockDims[];
  params: number;
  macs: number;
  paramsSaved: number;
  macsSaved: number;
}

/** One point of the accuracy-vs-cost sweep. */
export interface SweepPoint { criterion: 'vtp' | 'magnitude'; rate: number; accuracy: number; macsSaved: number; paramsSaved: number }

/** Export formats; 'safetensors' is the project format (config.json + model.safetensors). */
export type ExportFormat = 'safetensors' | 'onnx' | 'tfjs' | 'torch';

/** A downloadable file produced by the worker. */
export interface ExportedFile { fileName: string; bytes: ArrayBuffer; mime: string }

/** Long-running calls report progress through a callback (a comlink proxy) and can be cancelled by job id. */
export interface JobHandle { jobId: string }

/** The worker's methods. Every method may reject with an Error whose message is shown to the user. */
export interface EngineApi {
  init(): Promise<BackendReport>;
  loadDemoModel(baseUrl: string): Promise<ModelInfo>;
  loadModel(files: WorkerFile[], name: string): Promise<ModelInfo>;
  predict(count: number): Promise<Prediction[]>;
  loadSampleDataset(baseUrl: string): Promise<DatasetInfo>;
  loadDataset(files: WorkerFile[], name: string, options: { valFraction: number; className?: string }): Promise<DatasetInfo>;
  resplit(valFraction: number, seed: number): Promise<DatasetInfo>;
  trainScores(jobId: string, settings: ScoreTrainingSettings, onProgress: (p: TrainProgress, scores: ScoreSnapshot | null) => void): Promise<{ stopped: string | null; steps: number }>;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  getScores(): Promise<ScoreSnapshot | null>;
  setScores(scores: ScoreSnapshot): Promise<void>;
  maskedAccuracy(settings: PruneSettings, limit: number): Promise<{ accuracy: number; n: number; settings: PruneSettings }>;
  sweep(jobId: string, rates: number[], onPoint: (p: SweepPoint) => void): Promise<SweepPoint[]>;
  prune(settings: PruneSettings): Promise<ModelInfo>;
  finetune(jobId: string, settings: { steps: number; batchSize: number; lr: number }, onProgress: (p: TrainProgress) => void): Promise<{ accuracy: number; stopped: string | null }>;
  exportModel(format: ExportFormat, report: object): Promise<ExportedFile>;
  memory(): Promise<{ numTensors: number; numBytes: number }>;
}
