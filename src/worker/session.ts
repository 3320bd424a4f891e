/**
 * The worker's one session object: the loaded model (host weights + params on the active backend), the
 * dataset, the trained scores and the pruned model. Device tensors are derived from host copies and
 * built lazily, so a backend switch only drops them (dropDeviceTensors) and they are rebuilt on demand.
 */
import type { ImageDataset, Normalisation } from '../data/imageDataset';
import type { NamedBytes } from '../data/namedBytes';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import { disposeVitParams, vitParams, type VitParams } from '../model/vitParams';
import { magnitudeScores } from '../prune/magnitudeScores';
import type { ScoreSet } from '../prune/scoreSet';
import type { ModelInfo, PruneSettings } from './engineApi';

/** A loaded model: host weights are the source of truth; params are the device copy. */
export interface LoadedModel {
  id: string;
  name: string;
  source: ModelInfo['source'];
  config: VitConfig;
  host: HostTensors;
  warnings: string[];
}

/** Where a dataset came from, kept so it can be re-read at another model's input size. */
export type DataSource =
  | { kind: 'sample'; bytes: Uint8Array }
  | { kind: 'files'; files: NamedBytes[] };

/** The dataset: all images (aligned to the model's classes), the split and what was said about it. */
export interface LoadedData {
  id: string;
  name: string;
  source: DataSource;
  full: ImageDataset;
  train: ImageDataset;
  val: ImageDataset;
  valFraction: number;
  seed: number;
  /** False while a sample file's shipped split is used. */
  customSplit: boolean;
  warnings: string[];
}

/** The slim model made by prune(), and the settings that made it. */
export interface PrunedState {
  id: string;
  name: string;
  config: VitConfig;
  tensors: HostTensors;
  settings: PruneSettings;
  warnings: string[];
}

/** Disposes params, ignoring errors from a lost device. */
function safeDispose(params: VitParams | null): void {
  if (!params) return;
  try { disposeVitParams(params); } catch { /* the device may be gone */ }
}

/** Everything the engine holds between calls. */
export class EngineSession {
  model: LoadedModel | null = null;
  data: LoadedData | null = null;
  scores: ScoreSet | null = null;
  pruned: PrunedState | null = null;
  /** Image files uploaded class by class ("several files with a class typed in"), merged across uploads. */
  uploads: NamedBytes[] = [];
  /** The unpruned model's top-1 on the validation split (referenceTop1), keyed by model, dataset and split. */
  reference: { key: string; top1: Int32Array } | null = null;
  private modelParams: VitParams | null = null;
  private prunedParams: VitParams | null = null;
  private magnitude: ScoreSet | null = null;
  private counter = 0;

  /** A fresh id such as "model-3". */
  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.counter}`;
  }

  /** Replaces the model; scores and the pruned model belong to the old one and are dropped. */
  setModel(model: LoadedModel): void {
    safeDispose(this.modelParams);
    this.modelParams = null;
    this.magnitude = null;
    this.model = model;
    this.scores = null;
    this.setPruned(null);
  }

  /** Replaces the host weights of the current model (e.g. after training weights too). */
  replaceWeights(host: HostTensors): void {
    const model = this.requireModel();
    safeDispose(this.modelParams);
    this.modelParams = null;
    this.magnitude = null;
    this.model = { ...model, host };
  }

  /** Replaces the pruned model (null clears it). */
  setPruned(pruned: PrunedState | null): void {
    safeDispose(this.prunedParams);
    this.prunedParams = null;
    this.pruned = pruned;
  }

  /** The model, or a readable error. */
  requireModel(): LoadedModel {
    if (!this.model) throw new Error('no model is loaded: load the demo model or import a checkpoint first');
    return this.model;
  }

  /** The dataset, or a readable error. */
  requireData(): LoadedData {
    if (!this.data) throw new Error('no dataset is loaded: use the demo dataset or upload images first');
    return this.data;
  }

  /** The pruned model, or a readable error. */
  requirePruned(): PrunedState {
    if (!this.pruned) throw new Error('nothing is pruned yet: apply a prune rate first');
    return this.pruned;
  }

  /** Params of the loaded model on the active backend (built on first use). */
  params(): VitParams {
    const model = this.requireModel();
    this.modelParams ??= vitParams(model.config, model.host, false);
    return this.modelParams;
  }

  /** Params of the pruned model on the active backend (built on first use). */
  prunedModelParams(): VitParams {
    const pruned = this.requirePruned();
    this.prunedParams ??= vitParams(pruned.config, pruned.tensors, false);
    return this.prunedParams;
  }

  /** The weight-magnitude criterion's scores of the loaded model (computed once per model). */
  magnitudeScores(): ScoreSet {
    const model = this.requireModel();
    this.magnitude ??= magnitudeScores(model.config, model.host);
    return this.magnitude;
  }

  /** The model's input normalisation. */
  normalisation(): Normalisation {
    const cfg = this.requireModel().config;
    return { mean: cfg.mean, std: cfg.std };
  }

  /** Drops every device tensor (before or after a backend switch); they are rebuilt from host copies. */
  dropDeviceTensors(): void {
    safeDispose(this.modelParams);
    safeDispose(this.prunedParams);
    this.modelParams = null;
    this.prunedParams = null;
  }

  /** Frees everything. */
  dispose(): void {
    this.dropDeviceTensors();
    this.model = null;
    this.data = null;
    this.scores = null;
    this.pruned = null;
    this.uploads = [];
    this.reference = null;
  }
}
