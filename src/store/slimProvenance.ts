/**
 * What made the slim model: the loaded model and its weights version, the scores (a content hash and
 * their step), the prune settings, the costs previewed for them, and the finetuning done on it since.
 * Anything that changes one of those makes the slim model stale; the download then slims again, or says
 * why it does not (a finetuned slim model is kept rather than thrown away).
 */
import { GATE_NAMES, SUBLAYER_PARTS } from '../model/gateLayout';
import { effectiveCriterion } from '../prune/rankingCriterion';
import type { PrunePreview, PruneSettings, ScoreSnapshot } from '../worker/engineApi';
import { samePruneSettings } from '../prune/pruneSettings';
import type { ScoresFingerprint, SlimProvenance, StudioState } from './studioState';

const hashes = new WeakMap<ScoreSnapshot, string>();

/** FNV-1a over the float bits of every gate of every block (and its learned sublayer gates), as 8 hex digits (cached per snapshot object). */
export function scoresHash(scores: ScoreSnapshot): string {
  const cached = hashes.get(scores);
  if (cached) return cached;
  let h = 0x811c9dc5;
  for (const block of scores.blocks) {
    const sublayer = Float32Array.from(SUBLAYER_PARTS.flatMap((p) => (block.sublayer?.[p] === undefined ? [] : [block.sublayer[p]!])));
    for (const a of [...GATE_NAMES.map((g) => block[g]), sublayer]) {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    }
  }
  const hex = h.toString(16).padStart(8, '0');
  hashes.set(scores, hex);
  return hex;
}

/** The fingerprint of the current scores, or null before any are trained. */
export function scoresFingerprint(scores: ScoreSnapshot | null): ScoresFingerprint | null {
  return scores ? { hash: scoresHash(scores), step: scores.step ?? null } : null;
}

/** Provenance of a slim model made now from the state's model, scores and `settings`. */
export function slimProvenance(s: StudioState, settings: PruneSettings, preview: PrunePreview | null): SlimProvenance {
  return {
    modelId: s.model?.id ?? '', weightsVersion: s.weightsVersion, scores: scoresFingerprint(s.scores),
    criterion: effectiveCriterion(settings.criterion, s.scores !== null), preview, finetuneSteps: 0,
  };
}

/** Why the slim model no longer matches the model, weights, scores and settings of the session (empty = it does). */
export function slimStaleReasons(s: StudioState): string[] {
  if (!s.pruned || !s.prunedWith || !s.prunedFrom) return [];
  const from = s.prunedFrom;
  const reasons: string[] = [];
  if (!s.model || s.model.id !== from.modelId) reasons.push('another model was loaded');
  else if (s.weightsVersion !== from.weightsVersion) reasons.push('the model weights were trained since');
  else if (!sameValues(s.pruned.config.mean, s.model.config.mean) || !sameValues(s.pruned.config.std, s.model.config.std)) {
    reasons.push('the normalisation changed');
  }
  if (!samePruneSettings(s.prunedWith, s.prune)) reasons.push('the prune settings changed');
  const acting = effectiveCriterion(s.prune.criterion, s.scores !== null);
  if (acting !== from.criterion && s.prune.criterion === s.prunedWith.criterion) {
    reasons.push(s.scores ? 'scores were trained since (it was ranked by weight magnitude)' : 'its scores are gone');
  } else if (acting === 'vtp' && from.criterion === 'vtp' && scoresFingerprint(s.scores)?.hash !== from.scores?.hash) {
    reasons.push('the scores changed since');
  }
  return reasons;
}

function sameValues(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
