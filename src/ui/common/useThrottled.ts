import { startTransition, useEffect, useReducer, useRef } from 'react';

/**
 * `value`, but changing at most once per `ms` while `active` (the latest value always lands, on the
 * trailing edge); passes changes straight through when not active. Keeps heavy charts from
 * re-rendering on every progress event while training runs; throttled updates render as a
 * transition, which React splits into short slices. A new `flushKey` (e.g. the prune settings, when
 * the person moves a slider) passes the value through at once.
 */
export function useThrottled<T>(value: T, ms: number, active = true, flushKey?: unknown): T {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const shown = useRef({ value, key: flushKey });
  const latest = useRef(value);
  const lastAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Pass-through (idempotent for a given render's inputs): not throttling, or the flush key changed.
  const passThrough = !active || flushKey !== shown.current.key;
  if (passThrough) shown.current = { value, key: flushKey };

  useEffect(() => {
    latest.current = value;
    if (passThrough) {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      lastAt.current = performance.now();
      return;
    }
    if (value === shown.current.value || timer.current !== null) return;
    const show = (): void => {
      timer.current = null;
      lastAt.current = performance.now();
      shown.current = { value: latest.current, key: shown.current.key };
      startTransition(redraw);
    };
    const wait = lastAt.current + ms - performance.now();
    timer.current = setTimeout(show, Math.max(0, wait));
  });

  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);

  return shown.current.value;
}
