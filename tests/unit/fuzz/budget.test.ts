import { describe, expect, it } from 'vitest';
import { FUZZ_CASES, FUZZ_TOTAL } from './fuzzBudget';

// Each fuzz test asserts that it ran exactly its budget; this file makes the total visible in the test report.
describe(`fuzz budget: ${FUZZ_TOTAL} cases per run`, () => {
  it.each(Object.entries(FUZZ_CASES))('%s: %i cases', (_parser, cases) => {
    expect(cases).toBeGreaterThan(0);
  });

  it(`runs at least 10,000 cases in total (${FUZZ_TOTAL})`, () => {
    expect(FUZZ_TOTAL).toBeGreaterThanOrEqual(10_000);
  });
});
