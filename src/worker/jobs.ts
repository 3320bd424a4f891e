/**
 * Long-running worker jobs (training, sweeps, finetuning): one AbortController per job for cancel,
 * a pause gate that loops wait at between steps or points, and a per-segment controller that cancel or
 * a lost device aborts so the running loop stops at its next step.
 */
import { PauseGate } from './pauseGate';

/** Why the running segment of a job was interrupted. */
export type SegmentStop = 'paused' | 'cancelled' | 'device-lost';

/** One running job. */
export class Job {
  readonly id: string;
  readonly gate = new PauseGate();
  private readonly cancelController = new AbortController();
  private segmentController = new AbortController();
  private segmentStop: SegmentStop | null = null;

  /** A job with the caller's id. */
  constructor(id: string) {
    this.id = id;
  }

  /** Aborted when the job is cancelled. */
  get signal(): AbortSignal {
    return this.cancelController.signal;
  }

  /** True once cancelled. */
  get cancelled(): boolean {
    return this.cancelController.signal.aborted;
  }

  /** A fresh signal for the next segment of work (aborted by pause, cancel or interrupt). */
  newSegment(): AbortSignal {
    this.segmentController = new AbortController();
    this.segmentStop = null;
    if (this.cancelled) this.stopSegment('cancelled');
    return this.segmentController.signal;
  }

  /** Why the last segment was stopped, or null when it ran to its end. */
  get lastStop(): SegmentStop | null {
    return this.segmentStop;
  }

  /** Pauses: closes the gate; the running loop waits at it after its current step, keeping its state. */
  pause(): void {
    if (this.cancelled) return;
    this.gate.pause();
  }

  /** Resumes a paused job. */
  resume(): void {
    this.gate.resume();
  }

  /** Cancels: aborts the job and its segment and opens the gate so a paused loop can finish. */
  cancel(): void {
    this.cancelController.abort();
    this.stopSegment('cancelled');
    this.gate.resume();
  }

  /** Stops the running segment for an outside reason (the device was lost). */
  interrupt(reason: SegmentStop): void {
    this.stopSegment(reason);
  }

  private stopSegment(reason: SegmentStop): void {
    if (this.segmentStop === null || reason === 'cancelled') this.segmentStop = reason;
    this.segmentController.abort();
  }
}

/** The jobs of the worker, by id. */
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<Promise<unknown>>();

  /** Registers a new job; throws when the id is in use. */
  start(id: string): Job {
    if (this.jobs.has(id)) throw new Error(`job ${id} is already running`);
    const job = new Job(id);
    this.jobs.set(id, job);
    return job;
  }

  /** Removes a finished job. */
  finish(job: Job): void {
    if (this.jobs.get(job.id) === job) this.jobs.delete(job.id);
  }

  /** The job with this id, if running. */
  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Every running job. */
  all(): Job[] {
    return [...this.jobs.values()];
  }

  /** Pauses a job (no-op when unknown or finished). */
  pause(id: string): void {
    this.jobs.get(id)?.pause();
  }

  /** Resumes a job (no-op when unknown or finished). */
  resume(id: string): void {
    this.jobs.get(id)?.resume();
  }

  /** Cancels a job (no-op when unknown or finished). */
  cancel(id: string): void {
    this.jobs.get(id)?.cancel();
  }

  /** Runs `fn` as job `id`, always unregistering it afterwards. */
  async run<T>(id: string, fn: (job: Job) => Promise<T>): Promise<T> {
    const job = this.start(id);
    const work = fn(job);
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
      this.finish(job);
    }
  }

  /** Cancels every job and waits until all have stopped (before the model they use is replaced). */
  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) job.cancel();
    await Promise.allSettled([...this.running]);
  }
}
