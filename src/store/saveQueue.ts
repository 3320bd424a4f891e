/**
 * Coalescing writes of the training checkpoint: at most one write in flight and at most one per
 * interval; a newer value replaces one still waiting (only the latest matters); flush() writes now.
 */

/** Options of a save queue. */
export interface SaveQueueOptions<T> {
  write: (value: T) => Promise<void>;
  onError: (error: unknown) => void;
  /** Smallest gap between two writes, ms. */
  intervalMs: number;
  now: () => number;
}

/** The latest value, written at most once per interval. */
export class SaveQueue<T> {
  private waiting: { value: T } | null = null;
  private writing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = -Infinity;

  /** A queue around `write`. */
  constructor(private readonly opts: SaveQueueOptions<T>) {}

  /** Queues `value` (replacing a waiting one); written when the interval allows. */
  push(value: T): void {
    this.waiting = { value };
    this.schedule();
  }

  /** Writes the waiting value now (after any write in flight). */
  async flush(): Promise<void> {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    while (this.writing) await this.writing;
    if (this.waiting) await this.writeNow();
  }

  private schedule(): void {
    if (this.writing || this.timer !== null) return;
    const wait = this.last + this.opts.intervalMs - this.opts.now();
    if (wait <= 0) void this.writeNow();
    else this.timer = setTimeout(() => { this.timer = null; this.schedule(); }, wait);
  }

  private async writeNow(): Promise<void> {
    const item = this.waiting;
    if (!item) return;
    this.waiting = null;
    this.last = this.opts.now();
    this.writing = this.opts.write(item.value).catch((error) => this.opts.onError(error));
    try {
      await this.writing;
    } finally {
      this.writing = null;
      if (this.waiting) this.schedule();
    }
  }
}
