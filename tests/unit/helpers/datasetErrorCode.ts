import { expect } from 'vitest';
import { DatasetError } from '../../../src/data/datasetError';

/** The DatasetError code `fn` throws (asserting it is a DatasetError), or 'no error'. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return (error as DatasetError).code;
  }
  return 'no error';
}
