/** "New head for these classes": a new linear head for the dataset's own classes becomes the session's model. */
import { hasLabels } from '../data/imageDataset';
import { fitNewHead, type NewHeadResult } from '../train/newHead';
import type { NewHeadProgressInfo } from './engineApi';
import type { Job } from './jobs';
import type { EngineSession } from './session';

/**
 * Fits the head on the frozen features of the session's training split in the dataset's own classes (never
 * matched to the model's) and measures it on the validation split (the session's split, so the head never
 * sees a validation image); the model with the new head replaces the session's, and the dataset is matched
 * to it anew (by name: complete, so 'new-head' mode no longer waits).
 */
export async function fitSessionHead(session: EngineSession, job: Job, onProgress: (p: NewHeadProgressInfo) => void): Promise<NewHeadResult> {
  const model = session.requireModel();
  const data = session.requireLoadedData();
  if (!hasLabels(data.own.full)) throw new Error('a new head needs labelled images (one folder per class); these images have no classes');
  const split = data.own;
  const report = (p: NewHeadProgressInfo) => { try { void Promise.resolve(onProgress(p)).catch(() => {}); } catch { /* page gone */ } };
  const result = await fitNewHead(model.config, model.host, split.train, split.val, data.name, session.normalisation(), {}, report);
  if (job.cancelled) throw new Error('cancelled');
  session.setModel({
    id: session.nextId('model'), name: `${model.name} + new head`, source: 'vtp', config: result.config, host: result.tensors, warnings: [],
  });
  return result;
}
