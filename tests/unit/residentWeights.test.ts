/** The block kernel's resident-weights bookkeeping (src/model/kernels/residentWeights.ts). */
import { describe, expect, it } from 'vitest';
import { ResidentWeights } from '../../src/model/kernels/residentWeights';

describe('resident weights', () => {
  it('finds a block only by all of its identities, in order', () => {
    const r = new ResidentWeights(1024);
    const [a, b, c] = [{}, {}, {}];
    const e = r.place([a, b], 64)!;
    expect(e.offset).toBe(0);
    expect(r.find([a, b])).toBe(e);
    expect(r.find([a, c])).toBeNull(); // one weight replaced
    expect(r.find([b, a])).toBeNull();
    expect(r.find([a])).toBeNull();
    expect(r.find([])).toBeNull();
    const f = r.place([c], 32)!;
    expect(f.offset).toBe(64);
    expect(r.usedBytes).toBe(96);
  });

  it('starts over at 0 when a block does not fit, and refuses one larger than the cap', () => {
    const r = new ResidentWeights(100);
    const [a, b, c] = [{}, {}, {}];
    r.place([a], 64);
    const e = r.place([b], 64)!; // 128 > 100: everything forgotten first
    expect(e.offset).toBe(0);
    expect(r.find([a])).toBeNull();
    expect(r.find([b])).toBe(e);
    expect(r.place([c], 101)).toBeNull();
    expect(r.find([b])).toBe(e); // a refused block forgets nothing
  });

  it('forgets an entry whose packing failed and reuses its bytes when it was the last', () => {
    const r = new ResidentWeights(1024);
    const [a, b] = [{}, {}];
    r.place([a], 32);
    const e = r.place([b], 64)!;
    r.forget(e);
    expect(r.find([b])).toBeNull();
    expect(r.usedBytes).toBe(32);
    expect(r.find([a])).not.toBeNull();
  });
});
