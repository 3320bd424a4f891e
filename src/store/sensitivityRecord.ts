/**
 * The per-layer sensitivity kept with the session: saved with the training checkpoint, restored after a reload when it
 * still describes the restored model, scores and validation images (else it is dropped: measuring it again is one click).
 */
import type { SavedSensitivity } from './sessionRecord';
import { scoresFingerprint } from './slimProvenance';
import type { SensitivityProvenance, StudioState } from './studioState';
import type { SensitivityReport } from '../worker/engineApi';

/** Validation images of the state's dataset (0 when none). */
function valImages(s: Pick<StudioState, 'dataset'>): number {
  return s.dataset?.valCounts.reduce((a, b) => a + b, 0) ?? 0;
}

/**
 * The state's sensitivity as a record, or null when there is none or it was measured on trained weights (those are not
 * kept across a reload, so it would describe another model there).
 */
export function savedSensitivity(s: Pick<StudioState, 'sensitivity' | 'sensitivityFrom' | 'dataset'>): SavedSensitivity | null {
  const from = s.sensitivityFrom;
  if (!s.sensitivity || !from || from.weightsVersion !== 0 || !s.dataset) return null;
  return { report: s.sensitivity, scoresHash: from.scores?.hash ?? null, datasetName: s.dataset.name, valImages: valImages(s) };
}

/** The state patch restoring a saved sensitivity, or null when the restored scores or validation images differ. */
export function restoredSensitivity(s: Pick<StudioState, 'model' | 'scores' | 'dataset'>, saved: SavedSensitivity):
  { sensitivity: SensitivityReport; sensitivityFrom: SensitivityProvenance } | null {
  const scores = scoresFingerprint(s.scores);
  if (!s.model || (scores?.hash ?? null) !== saved.scoresHash) return null;
  if (s.dataset?.name !== saved.datasetName || valImages(s) !== saved.valImages) return null;
  return { sensitivity: saved.report, sensitivityFrom: { modelId: s.model.id, weightsVersion: 0, scores } };
}
