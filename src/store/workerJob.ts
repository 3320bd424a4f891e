/**
 * One long worker call of the store as a job: a fresh id held in the runtime's slot for that kind of job while it
 * runs (so progress of a replaced job is ignored and Cancel finds it), cleared when it ends.
 */
import { nextJobId, type Runtime } from './storeContext';

/** Runtime fields holding the id of a running worker job, one per kind of job (training keeps its own run state). */
export type JobSlot = 'sweepJobId' | 'sensitivityJobId' | 'finetuneJobId' | 'evalJobId' | 'speedJobId' | 'latencyJobId';

/** Runs `body` as the job of `slot` (id prefix `kind`); `isCurrent()` is true while the job is still the slot's. */
export async function withWorkerJob(rt: Runtime, slot: JobSlot, kind: string,
  body: (jobId: string, isCurrent: () => boolean) => Promise<void>): Promise<void> {
  const jobId = nextJobId(rt, kind);
  rt[slot] = jobId;
  try {
    await body(jobId, () => rt[slot] === jobId);
  } finally {
    if (rt[slot] === jobId) rt[slot] = null;
  }
}

/** Asks the worker to cancel the job running in `slot`, if any; a refusal goes to `onError` (default: ignored). */
export async function cancelWorkerJob(rt: Runtime, slot: JobSlot, onError: (error: unknown) => void = () => {}): Promise<void> {
  const jobId = rt[slot];
  if (jobId) await rt.deps.client.call((api) => api.cancel(jobId)).catch(onError);
}
