/**
 * The Scores panel's "Compute sensitivity" job: agreement (and accuracy) lost by pruning each block alone at the
 * slider's settings on the validation images, and the per-block overrides suggested from it (same MACs saving).
 */
import { blockSensitivity } from '../train/blockSensitivity';
import { previewMask } from '../prune/prunePreview';
import { suggestedBlockRates } from '../prune/sensitivitySuggestion';
import { effectiveSettings, rankingScores, vtpScores } from './maskedEval';
import { referenceTop1 } from './referenceTop1';
import type { PruneSettings, SensitivityReport } from './engineApi';
import type { Job } from './jobs';
import type { EngineSession } from './session';

/** Images per forward pass of the sensitivity (small, so cancel answers within a batch). */
export const SENSITIVITY_BATCH = 50;

/** Runs the sensitivity of `settings` on `limit` validation images as `job`; a cancelled report has the blocks done so far. */
export async function sensitivityJob(session: EngineSession, job: Job, settings: PruneSettings, limit: number,
  onProgress?: (p: { done: number; total: number }) => void): Promise<SensitivityReport> {
  const model = session.requireModel();
  const data = session.requireData();
  const acting = effectiveSettings(session, settings);
  const ranking = rankingScores(session, acting.criterion);
  const mask = previewMask(model.config, ranking, acting);
  const fold = acting.fold && acting.criterion === 'vtp' ? vtpScores(session).blocks : null;
  const reference = await referenceTop1(session);
  const result = await blockSensitivity(model.config, model.host, mask.keep, fold, data.val, session.normalisation(), {
    limit, batchSize: SENSITIVITY_BATCH, reference, signal: job.signal,
    onProgress: (p) => { try { void Promise.resolve(onProgress?.(p)).catch(() => {}); } catch { /* page gone */ } },
  });
  const losses = result.blocks.map((b) => b.agreementLost);
  const suggestion = result.cancelled ? null : suggestedBlockRates(model.config, ranking, acting, losses);
  return { ...result, settings, suggestion };
}
