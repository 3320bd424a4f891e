/**
 * Which blocks' weights already sit, packed, at the start of the block kernel's WebAssembly memory: a
 * block is packed once (its tensors' identities are the key) and later calls use it in place, instead
 * of copying and re-packing every weight on every call (at batch 1 that copy was ~10% of a block).
 * The area is a bump allocator under a byte cap; when a block does not fit, everything is forgotten and
 * packing starts again at 0 (a model larger than the cap then costs what a copy per call did).
 */

/** Defaults: at most 128 MB of packed weights (DeiT-Small's twelve blocks are 85 MB). */
export const RESIDENT_WEIGHTS_DEFAULTS = { capBytes: 128 * 1024 * 1024 };

/** A placed block: the byte offset of its packed weights and their size. */
export interface ResidentEntry { offset: number; bytes: number; ids: readonly object[] }

/** The resident area: entries found by their tensors' identities (an entry matches when every identity does). */
export class ResidentWeights {
  private byFirst = new WeakMap<object, ResidentEntry>();
  private end = 0;

  constructor(private readonly capBytes = RESIDENT_WEIGHTS_DEFAULTS.capBytes) {}

  /** Bytes in use from offset 0 (the scratch of a call starts after them). */
  get usedBytes(): number { return this.end; }

  /** The entry placed for exactly these identities (same order), else null. */
  find(ids: readonly object[]): ResidentEntry | null {
    const entry = ids.length > 0 ? this.byFirst.get(ids[0]) : undefined;
    if (!entry || entry.ids.length !== ids.length || entry.ids.some((id, i) => id !== ids[i])) return null;
    return entry;
  }

  /**
   * Reserves `bytes` (a multiple of 32) for these identities; forgets every entry first when the area is full.
   * Null when the block alone is over the cap (the caller then packs it into its scratch for this call only).
   */
  place(ids: readonly object[], bytes: number): ResidentEntry | null {
    if (ids.length === 0 || bytes > this.capBytes) return null;
    if (this.end + bytes > this.capBytes) this.clear();
    const entry = { offset: this.end, bytes, ids: [...ids] };
    this.end += bytes;
    this.byFirst.set(ids[0], entry);
    return entry;
  }

  /** Forgets one entry (its packing failed); its bytes are reused when it was the last placed. */
  forget(entry: ResidentEntry): void {
    if (this.byFirst.get(entry.ids[0]) === entry) this.byFirst.delete(entry.ids[0]);
    if (entry.offset + entry.bytes === this.end) this.end = entry.offset;
  }

  /** Forgets every entry (their bytes are overwritten by the next placements). */
  clear(): void {
    this.byFirst = new WeakMap();
    this.end = 0;
  }
}
