/**
 * The contract every fuzz case must meet: the parser returns a valid result or throws one of its
 * typed errors with a readable one-line message, within a time bound, and leaves no more than a
 * bounded amount of memory in use (array buffers + JS heap, measured before and right after the single
 * call, with no forced collection). This is not the peak: memory collected during the call is not seen.
 */
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';

/** An error class a parser is allowed to throw (CheckpointError, DatasetError). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Limits for one fuzz case. */
export interface CaseBounds {
  /** Most wall-clock milliseconds for one call (generous: the CI machine is small and busy). */
  ms: number;
  /** Most bytes more in use right after the call than before it (array buffers + JS heap; not a peak). */
  bytes: number;
}

/** Default bounds: a parser of a few-KiB input must finish in 1 s and leave under 48 MiB more in use. */
export const DEFAULT_BOUNDS: CaseBounds = { ms: 1_000, bytes: 48 * 2 ** 20 };

/** Longest error message still called readable (it must not echo whole inputs back). */
export const MAX_MESSAGE_CHARS = 600;

/** The outcome of one case: a result or the typed error it threw. */
export type CaseOutcome<T> = { ok: true; value: T } | { ok: false; error: Error & { code?: string } };

/** With FUZZ_STATS=1, outcome counts (ok / error code + message start) are printed after each file. */
const stats = new Map<string, number>();
if (process.env.FUZZ_STATS) {
  afterAll(() => console.log([...stats].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}\t${k}`).join('\n')));
}

function record<T>(outcome: CaseOutcome<T>): void {
  if (!process.env.FUZZ_STATS) return;
  const key = outcome.ok ? 'ok' : `${outcome.error.code} ${outcome.error.message.replace(/\d+/g, 'N').slice(0, 90)}`;
  stats.set(key, (stats.get(key) ?? 0) + 1);
}

function allocated(): number {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

/** Asserts that `error` is one of `allowed` with a code and a readable one-line message. */
export function expectReadableError(error: unknown, allowed: readonly ErrorClass[]): asserts error is Error {
  const what = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
  if (!allowed.some((E) => error instanceof E)) throw new Error(`untyped error ${what}`);
  const { message, code } = error as Error & { code?: unknown };
  expect(typeof code, `error without a code: ${what}`).toBe('string');
  expect(message.length, `message too short or too long: ${message.slice(0, 200)}`).toBeGreaterThan(10);
  expect(message.length, `message too long: ${message.slice(0, 200)}...`).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  expect(message, 'message spans several lines').not.toMatch(/\n/);
  expect(message, 'message shows an unset value').not.toMatch(/\bundefined\b|\[object Object\]/);
}

/** Runs one case under the bounds; a typed error is an outcome, anything else fails the case. */
export function runCase<T>(fn: () => T, allowed: readonly ErrorClass[], bounds: CaseBounds = DEFAULT_BOUNDS): CaseOutcome<T> {
  const before = allocated();
  const start = performance.now();
  let outcome: CaseOutcome<T>;
  try {
    outcome = { ok: true, value: fn() };
  } catch (error) {
    expectReadableError(error, allowed);
    outcome = { ok: false, error };
  }
  const ms = performance.now() - start;
  const grown = allocated() - before;
  expect(ms, 'the case took too long').toBeLessThanOrEqual(bounds.ms);
  expect(grown, 'the case allocated too much').toBeLessThanOrEqual(bounds.bytes);
  record(outcome);
  return outcome;
}

/** Runs `check` on `numRuns` values of `arb` (fast-check, seeded globally); returns how many ran. */
export function fuzz<T>(arb: fc.Arbitrary<T>, numRuns: number, check: (value: T) => void): number {
  let runs = 0;
  fc.assert(fc.property(arb, (value) => { runs += 1; check(value); }), { numRuns });
  return runs;
}

/** Splits a budget into `parts` near-equal integers that sum to it. */
export function split(budget: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor((budget * (i + 1)) / parts) - Math.floor((budget * i) / parts));
}
