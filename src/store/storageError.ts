/** Readable messages for IndexedDB failures, quota errors first. */

/** True when an error (or the transaction error it wraps) says the storage quota is exceeded. */
export function isQuotaError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; inner?: unknown } | null;
  if (!e) return false;
  if (e.name === 'QuotaExceededError') return true;
  return /quota/i.test(e.message ?? '');
}

/** The notice shown when saving the session failed. */
export function storageErrorMessage(error: unknown, what: string): string {
  if (isQuotaError(error)) {
    return `Could not save the ${what}: the browser's storage is full. Your work goes on, but it will not survive a reload ` +
      'until space is freed (e.g. start a new session or clear old site data).';
  }
  return `Could not save the ${what}: ${(error as Error)?.message ?? String(error)}. Your work goes on, but it may not survive a reload.`;
}
