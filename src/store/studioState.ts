/**
 * The studio's state contract: what the UI reads (serialisable values only: numbers, strings,
 * arrays, typed arrays, ids — never tensors) and the actions it calls. Implemented in
 * src/store/studioStore.ts with zustand; actions talk to the engine worker.
 */
import type { LabelMode } from '../data/classMatch';
import type {
  BackendName, BackendReport, DatasetInfo, ExportFormat, MaskedAccuracy, ModelInfo, Prediction, PrunePreview, PruneSettings,
  ScoreSnapshot, ScoreTrainingSettings, SensitivityReport, SlimSpeedInfo, SweepPoint, TrainProgress,
} from '../worker/engineApi';

/** The scores a slim model was ranked with: FNV-1a hash (8 hex digits) of every score's bits, and their training step. */
export interface ScoresFingerprint { hash: string; step: number | null }

/** Provenance of the slim model (state.prunedFrom). */
export interface SlimProvenance {
  /** Id of the loaded model it was cut from, and how many weight-training runs that model had had (weightsVersion). */
  modelId: string;
  weightsVersion: number;
  /** Null when there were no trained scores (then weight magnitude ranked the dims). */
  scores: ScoresFingerprint | null;
  /** Ranking that acted: the asked-for criterion, or 'magnitude' for 'vtp' without scores. */
  criterion: PruneSettings['criterion'];
  /** Costs and kept dims previewed for these settings and scores (the slim model's own, not the slider's). */
  preview: PrunePreview | null;
  /** Finetuning steps run on the slim model (0 = as pruned). */
  finetuneSteps: number;
}

/** What a sensitivity result was measured for: the model, its weights version and the scores (with the settings in the report). */
export interface SensitivityProvenance { modelId: string; weightsVersion: number; scores: ScoresFingerprint | null }

/** State of a long-running action. */
export type JobStatus = 'idle' | 'running' | 'paused' | 'done' | 'cancelled' | 'error';

/** One long action's progress as the UI shows it. */
export interface JobState {
  status: JobStatus;
  /** 0..1 when known. */
  fraction: number | null;
  /** One line such as "step 120/300 · 410 img/s · 25 s left" or the error message. */
  message: string;
}

/** Everything the UI renders. */
export interface StudioState {
  backend: BackendReport | null;
  /** A visible notice, e.g. "the GPU was lost; continuing on WebGL". */
  notice: string | null;

  model: ModelInfo | null;
  modelJob: JobState;
  predictions: Prediction[];
  /** Accuracy of the loaded (unpruned) model on the validation images used for masked accuracy. */
  baselineAccuracy: number | null;
  /** Validation images the baseline, slim and finetuned accuracies rest on (a stratified prefix of the split). */
  accuracyImages: number | null;

  dataset: DatasetInfo | null;
  datasetJob: JobState;
  valFraction: number;
  /** How the dataset's labels are used: matched to the model's classes, a new head, or none. */
  labelMode: LabelMode;
  /** Model class index per dataset class (dataset.classNames), -1 where none is chosen; null without a dataset. */
  classMap: number[] | null;

  trainSettings: ScoreTrainingSettings;
  trainJob: JobState;
  /** Per-step history of the current/last training run (for the charts). */
  trainHistory: TrainProgress[];
  scores: ScoreSnapshot | null;
  /** Importing or downloading a score file (the Scores panel's buttons). */
  scoresJob: JobState;

  prune: PruneSettings;
  /** Computed on the main thread from scores and config (pure functions, no tfjs). */
  preview: PrunePreview | null;
  /** Accuracy of the hard-masked model for `prune` (arrives after the preview, batch by batch; null while pending). */
  maskedAccuracy: MaskedAccuracy | null;
  /** Why the masked accuracy could not be computed (e.g. no dataset), else null. */
  maskedAccuracyError: string | null;
  sweep: SweepPoint[];
  sweepJob: JobState;
  /** Per-layer sensitivity (agreement lost per block pruned alone) and its suggested overrides; null until computed. */
  sensitivity: SensitivityReport | null;
  /** The model and scores it was measured for (sensitivitySlice.ts: stale when they or the settings change). */
  sensitivityFrom: SensitivityProvenance | null;
  sensitivityJob: JobState;
  /** The slim model's measured speed against the unpruned one's ("Measure speed"; currentSlimSpeed says if it is the current slim model's). */
  slimSpeed: SlimSpeedInfo | null;
  slimSpeedJob: JobState;
  /** Measuring the latency table a "Latency saved" slider predicts from (latencySlice.ts; the table lives in `prune.latency`). */
  latencyJob: JobState;

  pruned: ModelInfo | null;
  /** The settings `pruned` was made with, and its accuracy on the validation images (before finetuning). */
  prunedWith: PruneSettings | null;
  /** What else made `pruned`: model, weights version, scores hash, its own preview, finetune steps (slimProvenance.ts). */
  prunedFrom: SlimProvenance | null;
  /** Score-training runs that also trained the loaded model's weights (changes the weights a slim model is cut from). */
  weightsVersion: number;
  prunedAccuracy: number | null;
  finetuneJob: JobState;
  finetuneAccuracy: number | null;
  /** Top-1 agreement 0..1 with the unpruned model of the pruned model, before and after finetuning (null until measured). */
  prunedAgreement: number | null;
  finetuneAgreement: number | null;
  /** Finetune by distilling from the unpruned model (always on when the data has no labels). */
  finetuneDistill: boolean;
  /** "New head for these classes": the fit in the worker. */
  newHeadJob: JobState;
  exportFormat: ExportFormat;
  exportJob: JobState;
  /** The measurement of the report's accuracies (slim, unpruned) after a prune or a download; cancellable. */
  evalJob: JobState;
}

/** Actions the UI calls; each updates the state above and never throws (errors land in a JobState). */
export interface StudioActions {
  start(): Promise<void>;
  importModel(files: File[]): Promise<void>;
  loadDemoModel(): Promise<void>;
  /** Sets the model's input normalisation (per-channel mean and std of [0, 1] pixels); accuracies are measured again. */
  setNormalisation(mean: number[], std: number[]): Promise<void>;
  useSampleDataset(): Promise<void>;
  importDataset(files: File[], className?: string): Promise<void>;
  setValFraction(fraction: number): Promise<void>;
  /** Maps dataset class `datasetClass` onto model class `modelClass` (-1 clears it); relabels in the worker. */
  setClassMapping(datasetClass: number, modelClass: number): Promise<void>;
  /** Chooses how the dataset's labels are used. */
  setLabelMode(mode: LabelMode): Promise<void>;
  setTrainSettings(patch: Partial<ScoreTrainingSettings>): void;
  startTraining(): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  stopTraining(): Promise<void>;
  /** Imports a score file trained elsewhere (PyTorch train-scores, `vtp scores`); checked against the model first. */
  importScores(file: File): Promise<void>;
  /** Downloads the current scores as a score file. */
  downloadScores(): Promise<void>;
  setPrune(patch: Partial<PruneSettings>): void;
  runSweep(): Promise<void>;
  cancelSweep(): Promise<void>;
  /** Measures the per-layer sensitivity at the current settings on the validation images (a cancellable job). */
  computeSensitivity(): Promise<void>;
  cancelSensitivity(): Promise<void>;
  /** Times the slim model (pruned first if needed) against the unpruned one on the studio's backend (a cancellable job). */
  measureSlimSpeed(): Promise<void>;
  cancelSlimSpeed(): Promise<void>;
  /** Measures a latency table of the loaded model on the studio's backend at `batch` images per pass, then sets the slider to latency saved. */
  measureLatencyTable(batch?: number): Promise<void>;
  /** Sets the per-block overrides to the sensitivity's suggestion (every block). */
  applySuggestedOverrides(): void;
  /** Slims the model; its accuracies are then measured as a job, awaited unless `measure: 'later'` (the download). */
  applyPrune(options?: { measure?: 'now' | 'later' }): Promise<void>;
  finetune(steps: number): Promise<void>;
  setFinetuneDistill(on: boolean): void;
  /** Fits a new linear head for the dataset's own classes; the model with it becomes the session's model. */
  fitNewHead(): Promise<void>;
  cancelFinetune(): Promise<void>;
  setExportFormat(format: ExportFormat): void;
  downloadPruned(): Promise<void>;
  /** Stops the accuracy measurement of the report (the figures stay "not measured"). */
  cancelEval(): Promise<void>;
  dismissNotice(): void;
  /** Uses backend `name` from now on in this browser (remembered); null = the fastest measured. */
  setBackendChoice(name: BackendName | null): Promise<void>;
  /** Clears the saved session and starts again with the demo model and data. */
  newSession(): Promise<void>;
}
