/**
 * Masked-accuracy requests from slider moves: debounced (a drag sends one request per pause, not one per
 * pixel), latest wins (a result for older settings is dropped; the worker also aborts the older run and
 * rejects it as superseded, which is ignored here). Partial figures (batch by batch) of the latest request
 * are passed on as they come.
 */
import { isSuperseded } from '../worker/latestWins';
import type { PruneSettings } from '../worker/engineApi';
import { samePruneSettings } from '../prune/pruneSettings';

/** Options of the scheduler. */
export interface AccuracySchedulerOptions<R> {
  /** Quiet time before a request is sent. */
  delayMs: number;
  /** Sends the request to the worker; `onPartial` receives running figures before the result. */
  run: (settings: PruneSettings, onPartial: (partial: R) => void) => Promise<R>;
  /** The result for the latest settings, and partial results on the way (same callback). */
  onResult: (settings: PruneSettings, result: R) => void;
  /** A failure that is not a supersession. */
  onError: (settings: PruneSettings, error: unknown) => void;
}

/** Debounced, latest-wins accuracy requests. */
export class AccuracyScheduler<R> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private latest: PruneSettings | null = null;
  private inFlight = 0;

  /** A scheduler with the given callbacks. */
  constructor(private readonly opts: AccuracySchedulerOptions<R>) {}

  /** Asks for the accuracy at `settings` (replacing any pending request). */
  request(settings: PruneSettings): void {
    this.latest = settings;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; void this.send(settings); }, this.opts.delayMs);
  }

  /** Drops pending and in-flight requests (their results will be ignored). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
  }

  /** True while a request waits for its debounce or its result (background work should wait). */
  get busy(): boolean {
    return this.timer !== null || this.inFlight > 0;
  }

  private isLatest(settings: PruneSettings): boolean {
    return this.latest !== null && samePruneSettings(this.latest, settings);
  }

  private async send(settings: PruneSettings): Promise<void> {
    this.inFlight += 1;
    try {
      const result = await this.opts.run(settings, (partial) => { if (this.isLatest(settings)) this.opts.onResult(settings, partial); });
      if (this.isLatest(settings)) this.opts.onResult(settings, result);
    } catch (error) {
      if (!isSuperseded(error) && this.isLatest(settings)) this.opts.onError(settings, error);
    } finally {
      this.inFlight -= 1;
    }
  }
}
