/** Inflation of untrusted deflate data (gzip members, zip entries) into exactly the size its container declares. */
import { Inflate } from 'fflate';
import { DatasetError } from './datasetError';

/**
 * Compressed bytes fed per step for a declared size: one step inflates to at most about 1,032 × the
 * step before the size check, so the work spent past a lying size stays near the size (at least ~1 MB).
 */
function stepBytes(size: number): number {
  return Math.min(64 * 1024, Math.max(1024, Math.ceil(size / 256)));
}

/**
 * Inflates raw deflate `data` into a buffer of the declared `size`.
 * Stops within one step when the stream would write past `size` (a lying header: a compression bomb)
 * and throws DatasetError('too-large'); a stream that ends short of `size` is DatasetError('format').
 * `what` names the data in messages ("x.gz: the gzip data"); fflate's own errors are not caught.
 */
export function inflateExactly(data: Uint8Array, size: number, what: string, file: string): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  const take = (chunk: Uint8Array) => {
    if (chunk.length > size - at) {
      throw new DatasetError('too-large',
        `${what} inflates to more than the ${size} bytes its header declares (a compression bomb or a corrupt file).`, file);
    }
    out.set(chunk, at);
    at += chunk.length;
  };
  const stream = new Inflate(take);
  const step = stepBytes(size);
  let offset = 0;
  do {
    stream.push(data.subarray(offset, offset + step), offset + step >= data.length);
    offset += step;
  } while (offset < data.length);
  if (at !== size) {
    throw new DatasetError('format', `${what} inflates to ${at} bytes, not the ${size} its header declares; it is truncated or corrupt.`, file);
  }
  return out;
}
