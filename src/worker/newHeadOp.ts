/** "New head for these classes": a new linear head for the dataset's own classes becomes the session's model. */
import { hasLabels } from '../data/imageDataset';
import { fitNewHead, type NewHeadResult } from '../train/newHead';
import { readSource, splitData, type DecoderFactory } from './datasetBuild';
import type { NewHeadProgressInfo } from './engineApi';
import type { Job } from './jobs';
import type { EngineSession } from './session';

/**
 * Re-reads the session's dataset with its own class names (never matched to the model's), splits it as the
 * session does (same fraction and seed, or the sample's shipped split), fits the head on the training split's
 * frozen features and measures it on the validation split; the model with the new head replaces the session's.
 */
export async function fitSessionHead(session: EngineSession, job: Job, decoders: DecoderFactory,
  onProgress: (p: NewHeadProgressInfo) => void): Promise<NewHeadResult> {
  const model = session.requireModel();
  const data = session.requireData();
  const read = await readSource(data.source, model.config, decoders);
  if (!hasLabels(read.full)) throw new Error('a new head needs labelled images (one folder per class); these images have no classes');
  const split = splitData(read.full, read.split, data.customSplit ? data.valFraction : null, data.seed);
  const report = (p: NewHeadProgressInfo) => { try { void Promise.resolve(onProgress(p)).catch(() => {}); } catch { /* page gone */ } };
  const result = await fitNewHead(model.config, model.host, split.train, split.val, data.name, session.normalisation(), {}, report);
  if (job.cancelled) throw new Error('cancelled');
  session.setModel({
    id: session.nextId('model'), name: `${model.name} + new head`, source: 'vtp', config: result.config, host: result.tensors, warnings: [],
  });
  return result;
}
