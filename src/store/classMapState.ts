/** The class mapping as the store keeps it: pure helpers over StudioState (no worker calls). */
import { mappingComplete, UNMATCHED } from '../data/classMatch';
import type { DatasetInfo } from '../worker/engineApi';
import type { SavedClassMap } from './sessionRecord';
import type { StudioState } from './studioState';

/**
 * Why training and evaluation must wait, or null: 'labels' needs every dataset class mapped to a model class;
 * 'new-head' waits for a new head whose classes are the dataset's (after the fit they match by name);
 * 'label-free' needs no labels (distillation; agreement with the unpruned model, accuracy where classes map).
 */
export function labelsIssue(s: Pick<StudioState, 'dataset' | 'labelMode' | 'classMap' | 'model'>): string | null {
  const ds = s.dataset;
  if (!ds || !ds.classMap || !s.classMap) return null; // the worker checks again; an old worker sends no mapping
  if (s.labelMode === 'label-free') return null;
  const complete = mappingComplete(s.classMap, ds.classMap.modelClasses.length);
  if (s.labelMode === 'new-head') return complete && s.model?.config.headOrigin ? null : 'fit the new head first ("New head for these classes" above)';
  if (complete) return null;
  const unmatched = ds.classNames.filter((_, i) => !((s.classMap![i] ?? UNMATCHED) >= 0));
  return `choose a model class for ${unmatched.join(', ')} in the Data panel first`;
}

/** The mapping with dataset class `datasetClass` sent to `modelClass` (UNMATCHED clears it). */
export function withClassChoice(mapping: readonly number[], datasetClass: number, modelClass: number): number[] {
  return mapping.map((m, i) => (i === datasetClass ? modelClass : m));
}

/** True when two lists of names are equal. */
const sameNames = (a: readonly string[] | undefined, b: readonly string[]) => !!a && a.length === b.length && a.every((n, i) => n === b[i]);

/** The mapping a saved session chose for this dataset, if it was saved for the same dataset and model class names and fits. */
export function savedMappingFor(ds: DatasetInfo, saved: SavedClassMap | null | undefined): number[] | null {
  if (!saved || !ds.classMap) return null;
  const same = sameNames(saved.datasetClasses, ds.classNames) && sameNames(saved.modelClasses, ds.classMap.modelClasses);
  const fits = saved.mapping.length === ds.classNames.length &&
    saved.mapping.every((m) => Number.isInteger(m) && m >= UNMATCHED && m < ds.classMap!.modelClasses.length);
  return same && fits ? [...saved.mapping] : null;
}

/** The state fields that follow a DatasetInfo from the worker: the dataset, its mapping and label mode. */
export function datasetFields(ds: DatasetInfo | null): Pick<StudioState, 'dataset' | 'classMap' | 'labelMode'> {
  return { dataset: ds, classMap: ds?.classMap ? [...ds.classMap.mapping] : null, labelMode: ds?.classMap?.labelMode ?? 'labels' };
}

/** True when the data leaves only distillation (scores and finetuning alike): label-free mode or loose images. */
export function distillForcedByData(s: Pick<StudioState, 'dataset' | 'labelMode'>): boolean {
  return s.labelMode === 'label-free' || s.dataset?.unlabelled === true;
}

/** True when score training distils from the unpruned model: forced by the data, or "Match the original model" chosen. */
export function distillsScores(s: Pick<StudioState, 'dataset' | 'labelMode' | 'trainSettings'>): boolean {
  return distillForcedByData(s) || s.trainSettings.target === 'original';
}

/** True when finetuning distils: always in label-free mode, else when "Finetune by distillation" is ticked. */
export function finetuneDistills(s: Pick<StudioState, 'dataset' | 'labelMode' | 'finetuneDistill'>): boolean {
  return s.finetuneDistill || distillForcedByData(s);
}
