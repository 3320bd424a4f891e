/**
 * The main thread's handle on the engine worker: a comlink remote of EngineApi, crash detection
 * (worker.onerror / messageerror) with automatic restart, and calls that reject when the worker dies
 * instead of hanging forever. Listeners are told about every restart so the store can re-initialise the
 * new worker from the persisted session.
 */
import * as comlink from 'comlink';
import type { EngineApi } from '../worker/engineApi';

/** The error pending calls reject with when the worker dies. */
export class EngineCrashed extends Error {
  /** An error saying the engine stopped. */
  constructor(message = 'the engine stopped unexpectedly') {
    super(message);
    this.name = 'EngineCrashed';
  }
}

/** What the store needs from an engine connection (the in-process one in tests implements it too). */
export interface EngineClient {
  /** Runs `fn` against the current engine; rejects with EngineCrashed when the engine dies meanwhile. */
  call<T>(fn: (api: EngineApi) => Promise<T>): Promise<T>;
  /** Subscribes to restarts after a crash (`fatal` when restarting was given up); returns an unsubscribe. */
  onRestart(listener: (info: { reason: string; fatal: boolean }) => void): () => void;
  /** Test hook: kills the worker as a crash would. */
  kill(reason?: string): void;
}

/** Options of the worker client. */
export interface WorkerClientOptions {
  /** Creates the worker (default: the Vite-bundled engine worker). */
  create: () => Worker;
  /** Most restarts within `windowMs` before giving up. */
  maxRestarts: number;
  windowMs: number;
}

/** Defaults: the bundled engine.worker.ts, at most 3 restarts a minute. */
export const WORKER_CLIENT_DEFAULTS: WorkerClientOptions = {
  create: () => new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'vtp-engine' }),
  maxRestarts: 3,
  windowMs: 60_000,
};

/** One running worker and the deferred that fails its pending calls. */
interface Live { worker: Worker; api: comlink.Remote<EngineApi>; died: Promise<never>; kill: (reason: string) => void }

/** The comlink connection to the engine worker, restarted after crashes. */
export class WorkerClient implements EngineClient {
  private readonly opts: WorkerClientOptions;
  private live: Live | null = null;
  private readonly listeners = new Set<(info: { reason: string; fatal: boolean }) => void>();
  private restarts: number[] = [];
  private fatal: string | null = null;

  /** A client; the worker starts on the first call. */
  constructor(options: Partial<WorkerClientOptions> = {}) {
    this.opts = { ...WORKER_CLIENT_DEFAULTS, ...options };
  }

  private spawn(): Live {
    const worker = this.opts.create();
    let kill!: (reason: string) => void;
    const died = new Promise<never>((_, reject) => { kill = (reason) => reject(new EngineCrashed(`the engine stopped unexpectedly (${reason})`)); });
    died.catch(() => {});
    const live: Live = { worker, api: comlink.wrap<EngineApi>(worker), died, kill };
    const onCrash = (reason: string) => this.crashed(live, reason);
    worker.addEventListener('error', (e) => { e.preventDefault?.(); onCrash(e.message || 'worker error'); });
    worker.addEventListener('messageerror', () => onCrash('a message could not be read'));
    return live;
  }

  private current(): Live {
    if (this.fatal) throw new EngineCrashed(this.fatal);
    this.live ??= this.spawn();
    return this.live;
  }

  /** Runs `fn` on the engine, failing fast if the worker dies meanwhile. */
  async call<T>(fn: (api: EngineApi) => Promise<T>): Promise<T> {
    const live = this.current();
    return Promise.race([fn(live.api as unknown as EngineApi), live.died]);
  }

  /** Subscribes to restarts. */
  onRestart(listener: (info: { reason: string; fatal: boolean }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Kills the worker as a crash would (test hook and last resort). */
  kill(reason = 'killed'): void {
    if (this.live) this.crashed(this.live, reason);
  }

  private crashed(live: Live, reason: string): void {
    if (this.live !== live) return;
    this.live = null;
    live.kill(reason);
    live.worker.terminate();
    const now = Date.now();
    this.restarts = [...this.restarts.filter((t) => now - t < this.opts.windowMs), now];
    const fatal = this.restarts.length > this.opts.maxRestarts;
    if (fatal) this.fatal = `the engine crashed ${this.restarts.length} times in a minute (${reason}); reload the page`;
    for (const l of [...this.listeners]) l({ reason, fatal });
  }
}
