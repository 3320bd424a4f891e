/** The store's view of the per-layer sensitivity: when a result is stale, when its suggestion is applied, its text. */
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/store/storeContext';
import { overridesText, sensitivityStaleReasons, suggestionApplied } from '../../src/store/sensitivitySlice';
import { scoresFingerprint } from '../../src/store/slimProvenance';
import { restoredSensitivity, savedSensitivity } from '../../src/store/sensitivityRecord';
import type { StudioState } from '../../src/store/studioState';
import type { DatasetInfo, ModelInfo, PruneSettings, ScoreSnapshot, SensitivityReport } from '../../src/worker/engineApi';

const SETTINGS: PruneSettings = { rate: 0.6, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {}, unit: 'macs' };
const scores = (v: number): ScoreSnapshot => ({ blocks: [{ qkv: new Float32Array([v, 1]), attn: new Float32Array([1]), fc1: new Float32Array([1]), hidden: new Float32Array([1, 1]) }] });
const REPORT: SensitivityReport = {
  settings: SETTINGS, baseAgreement: 1, baseAccuracy: 0.9, n: 100, labelled: true, cancelled: false,
  blocks: [{ block: 0, cut: 0.5, macsSaved: 0.1, agreement: 0.95, agreementLost: 0.05, accuracy: 0.88, accuracyLost: 0.02 }],
  suggestion: { blockRates: { 0: 0.412 }, macsSaved: 0.6004, target: 0.6001, reached: true },
};

/** A state holding REPORT, measured for model "m" (weights version 0) and `measured` scores. */
function stateWith(measured: ScoreSnapshot, patch: Partial<StudioState> = {}): StudioState {
  return {
    ...initialState(), model: { id: 'm' } as ModelInfo, scores: measured, prune: { ...SETTINGS },
    sensitivity: REPORT, sensitivityFrom: { modelId: 'm', weightsVersion: 0, scores: scoresFingerprint(measured) }, ...patch,
  };
}

describe('sensitivity in the store', () => {
  it('is current for the same model, scores and settings, and stays current once its suggestion is applied', () => {
    const s = scores(0.3);
    expect(sensitivityStaleReasons(stateWith(s))).toEqual([]);
    const applied = stateWith(s, { prune: { ...SETTINGS, blockRates: { 0: 0.412 } } });
    expect(suggestionApplied(applied)).toBe(true);
    expect(sensitivityStaleReasons(applied)).toEqual([]);
    expect(sensitivityStaleReasons({ ...initialState() })).toEqual([]); // nothing measured: nothing stale
  });

  it('names every reason it is stale: other scores, settings, model or weights', () => {
    const s = scores(0.3);
    expect(sensitivityStaleReasons(stateWith(s, { scores: scores(0.31) }))).toEqual(['the scores changed']);
    expect(sensitivityStaleReasons(stateWith(s, { prune: { ...SETTINGS, rate: 0.5 } }))).toEqual(['the prune settings changed']);
    expect(sensitivityStaleReasons(stateWith(s, { prune: { ...SETTINGS, blockRates: { 0: 0.3 } } }))).toEqual(['the prune settings changed']);
    expect(sensitivityStaleReasons(stateWith(s, { weightsVersion: 1, scores: null, prune: { ...SETTINGS, fold: false } })))
      .toEqual(['the model changed', 'the scores changed', 'the prune settings changed']);
  });

  it('says what the suggestion sets', () => {
    expect(overridesText({ 0: 0.412, 1: 0.05, 2: 0 })).toBe('block 0: 41.2%, block 1: 5%, block 2: 0%');
  });

  it('is saved with the session only when measured on the loaded weights, and restored only for the same scores and images', () => {
    const s = scores(0.3);
    const dataset = { name: 'sample', valCounts: [40, 60] } as DatasetInfo;
    const saved = savedSensitivity(stateWith(s, { dataset }));
    expect(saved).toEqual({ report: REPORT, scoresHash: scoresFingerprint(s)!.hash, datasetName: 'sample', valImages: 100 });
    expect(savedSensitivity(stateWith(s, { dataset, sensitivityFrom: { modelId: 'm', weightsVersion: 1, scores: scoresFingerprint(s) } }))).toBeNull();
    expect(savedSensitivity(stateWith(s))).toBeNull(); // no dataset
    const reloaded = { model: { id: 'm2' } as ModelInfo, scores: scores(0.3), dataset };
    const patch = restoredSensitivity(reloaded, saved!);
    expect(patch).toEqual({ sensitivity: REPORT, sensitivityFrom: { modelId: 'm2', weightsVersion: 0, scores: scoresFingerprint(s) } });
    expect(sensitivityStaleReasons({ ...initialState(), ...reloaded, prune: { ...SETTINGS }, ...patch! })).toEqual([]);
    expect(restoredSensitivity({ ...reloaded, scores: scores(0.31) }, saved!)).toBeNull();
    expect(restoredSensitivity({ ...reloaded, dataset: { ...dataset, valCounts: [40, 61] } }, saved!)).toBeNull();
    expect(restoredSensitivity({ ...reloaded, dataset: { ...dataset, name: 'other' } }, saved!)).toBeNull();
    expect(restoredSensitivity({ ...reloaded, model: null }, saved!)).toBeNull();
  });
});
