/** A promise gate: `wait()` resolves at once while open, or when the gate is next opened. */
export class PauseGate {
  private waiting: Promise<void> | null = null;
  private release: (() => void) | null = null;

  /** True while closed (paused). */
  get paused(): boolean {
    return this.waiting !== null;
  }

  /** Closes the gate (idempotent). */
  pause(): void {
    if (this.waiting) return;
    this.waiting = new Promise<void>((resolve) => { this.release = resolve; });
  }

  /** Opens the gate and releases every waiter (idempotent). */
  resume(): void {
    const release = this.release;
    this.waiting = null;
    this.release = null;
    release?.();
  }

  /** Resolves when the gate is open. */
  wait(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }
}
