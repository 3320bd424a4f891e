import { startTransition, useEffect, useState } from 'react';

/**
 * `value`, but a change shows only after the browser has painted the next frame, as a background
 * (transition) render. The urgent part of an update (e.g. the cost figures next to the prune slider)
 * is then painted alone, and heavy panels catch up a frame later instead of delaying that paint.
 */
export function useAfterPaint<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // A timeout queued in a frame's animation callback runs after that frame is painted.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => { if (!cancelled) startTransition(() => setShown(value)); }, 0);
    });
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
    };
  }, [value, shown]);
  return shown;
}
