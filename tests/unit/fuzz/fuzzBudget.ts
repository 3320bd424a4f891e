/**
 * How many fuzz cases each parser gets per CI run (fast-check numRuns). Every fuzz test asserts
 * that it really ran its budget, and budget.test.ts asserts that the total stays >= 10,000.
 *
 *   safetensors bytes (bit flips, truncation, splices, forged length words)   2,500
 *   safetensors header (offsets, overlaps, dtypes, shapes, nesting, size)    1,500
 *   checkpoint import (config vs weights, NaN/Inf weights, hostile configs)     600
 *   config.json (timm, Hugging Face, project: values, types, nesting, size)  3,000
 *   IDX, plain and gzipped (magic, dims, counts, truncation)                 1,400
 *   dataset safetensors (the shipped sample format: shapes, labels, names)     400
 *   zip archives (corruption, truncation, bombs, traversal, many entries)    1,000
 *   images, PNG and JPEG through the image-folder loader                     1,000
 *   CLI (a hostile file in a model folder or dataset; one process each)          4
 *                                                                   total   11,404
 */
export const FUZZ_CASES = {
  safetensorsBytes: 2_500,
  safetensorsHeader: 1_500,
  checkpointImport: 600,
  configJson: 3_000,
  idx: 1_400,
  datasetSafetensors: 400,
  zip: 1_000,
  images: 1_000,
  cli: 4,
} as const;

/** Sum of all per-parser budgets. */
export const FUZZ_TOTAL = Object.values(FUZZ_CASES).reduce((a, b) => a + b, 0);
