/**
 * Latest wins: each new call aborts the one still running (its promise rejects with Error(SUPERSEDED))
 * and waits until it has stopped, so at most one evaluation runs and none queue up.
 */
import { SUPERSEDED } from './engineApi';

/** The error a superseded call rejects with. */
export function supersededError(): Error {
  const error = new Error(SUPERSEDED);
  error.name = 'SupersededError';
  return error;
}

/** True for the error of a superseded call (also after crossing comlink, which keeps the message). */
export function isSuperseded(error: unknown): boolean {
  return error instanceof Error && error.message === SUPERSEDED;
}

/** Runs async work so that only the latest call completes. */
export class LatestWins {
  private current: { controller: AbortController; done: Promise<unknown> } | null = null;

  /** Aborts the running call, if any (it rejects with SUPERSEDED), e.g. when training starts. */
  abort(): void {
    this.current?.controller.abort();
  }

  /** Runs `work` after aborting and awaiting the previous call; rejects with SUPERSEDED when itself replaced. */
  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const previous = this.current;
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    this.current = { controller, done };
    try {
      if (previous) {
        previous.controller.abort();
        await previous.done;
      }
      if (controller.signal.aborted) throw supersededError();
      const result = await work(controller.signal);
      if (controller.signal.aborted) throw supersededError();
      return result;
    } finally {
      if (this.current?.controller === controller) this.current = null;
      finish();
    }
  }
}
