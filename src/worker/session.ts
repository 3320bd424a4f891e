/**
 * The worker's one session object: the loaded model (host weights + params on the active backend), the
 * dataset, the trained scores and the pruned model. Device tensors are derived from host copies and
 * built lazily, so a backend switch only drops them (dropDeviceTensors) and they are rebuilt on demand.
 */
import { mappingComplete, type ClassMatch, type LabelMode } from '../data/classMatch';
import { checkNormalisation, type NormalisationValues } from '../data/normalisationInput';
import { hasLabels, type ImageDataset, type Normalisation } from '../data/imageDataset';
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

/** A dataset and its train/validation split. */
export interface SplitDataset { full: ImageDataset; train: ImageDataset; val: ImageDataset }

/**
 * The dataset: all images and the split in the dataset's own classes (`own`), the same relabelled onto the
 * model's classes through `mapping` (full, train, val: meaningful only when labelsReady(data)), and what was said.
 */
export interface LoadedData extends SplitDataset {
  id: string;
  name: string;
  source: DataSource;
  own: SplitDataset;
  /** How the dataset's classes matched the model's by name (what the UI suggests). */
  match: ClassMatch;
  /** Model class per dataset class in use, [own classes]; UNMATCHED where none is chosen yet. */
  mapping: number[];
  labelMode: LabelMode;
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

/** What 'new-head' mode waits for. */
export const NEW_HEAD_FIRST = 'fit the new head first ("New head for these classes" in the Data panel)';

/**
 * Why the dataset cannot be used for training and evaluation yet, or null when it can: 'labels' needs every
 * class mapped to a model class; 'new-head' waits for a new head whose classes are the dataset's (they then
 * match by name); 'label-free' trains by distillation and measures agreement, so needs no labels.
 */
export function labelsIssue(data: LoadedData, cfg: VitConfig): string | null {
  if (data.labelMode === 'label-free') return null;
  const complete = mappingComplete(data.mapping, cfg.numClasses);
  if (data.labelMode === 'new-head') return complete && cfg.headOrigin ? null : NEW_HEAD_FIRST;
  if (complete) return null;
  const unmatched = data.own.full.classNames.filter((_, i) => !(data.mapping[i] >= 0));
  return `map every dataset class to a model class first (unmatched: ${unmatched.join(', ')})`;
}

/** True when training distils from the unpruned model: label-free mode, or images without labels. */
export function distillForced(data: LoadedData): boolean {
  return data.labelMode === 'label-free' || !hasLabels(data.train);
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

  /** Sets the model's input normalisation (a person's choice: no longer assumed); the weights and scores stay. */
  setNormalisation(values: NormalisationValues): void {
    const model = this.requireModel();
    const { mean, std } = checkNormalisation(values, model.config.inChans);
    this.model = { ...model, config: { ...model.config, mean, std, normalisationAssumed: false } };
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

  /** The dataset whatever its class mapping, or a readable error. */
  requireLoadedData(): LoadedData {
    if (!this.data) throw new Error('no dataset is loaded: use the demo dataset or upload images first');
    return this.data;
  }

  /** The dataset with its labels on the model's classes (every class mapped), or a readable error. */
  requireData(): LoadedData {
    const data = this.requireLoadedData();
    const issue = labelsIssue(data, this.requireModel().config);
    if (issue) throw new Error(issue);
    return data;
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
