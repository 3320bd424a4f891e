/** The unpruned model's top-1 class on every validation image, computed once per model and dataset (for agreement). */
import { topPredictions } from '../train/agreement';
import type { EngineSession } from './session';

/** Top-1 of the session's (unpruned) model on the whole validation split, int32 [n]; cached on the session. */
export async function referenceTop1(session: EngineSession): Promise<Int32Array> {
  const model = session.requireModel();
  const data = session.requireData();
  const key = `${model.id}|${data.id}|${data.seed}|${data.valFraction}`;
  if (session.reference?.key === key) return session.reference.top1;
  const top1 = await topPredictions(session.params(), data.val, session.normalisation(), { batchSize: 100 });
  session.reference = { key, top1 };
  return top1;
}
