import { describe, expect, it } from 'vitest';
import {
  checkTargetShape, decodedImageProblem, resizeChw, resizeImage, type DecodedImage,
} from '../../src/data/resizeImage';

const gray = (width: number, height: number, values: number[]): DecodedImage =>
  ({ width, height, channels: 1, data: Uint8Array.from(values) });

describe('resizeImage', () => {
  it('copies pixels exactly at equal size and de-interleaves RGB', () => {
    const rgb: DecodedImage = { width: 2, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect([...resizeImage(rgb, [3, 1, 2])]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...resizeImage(gray(2, 2, [0, 50, 100, 255]), [1, 2, 2])]).toEqual([0, 50, 100, 255]);
  });

  it('upscales like bilinear with half-pixel centres (torch align_corners=False)', () => {
    const out = resizeImage(gray(2, 1, [0, 255]), [1, 1, 4]);
    expect([...out]).toEqual([0, 64, 191, 255]); // 0, 63.75, 191.25, 255
  });

  it('keeps a constant image constant at any size', () => {
    const flat = gray(7, 5, new Array(35).fill(123));
    for (const [h, w] of [[3, 2], [20, 31], [1, 1], [5, 7]]) {
      expect(new Set(resizeImage(flat, [1, h, w]))).toEqual(new Set([123]));
    }
  });

  it('averages when downscaling a lot (no aliasing of fine stripes)', () => {
    const stripes = gray(64, 64, Array.from({ length: 64 * 64 }, (_, i) => (i % 2 === 0 ? 0 : 255)));
    const out = resizeImage(stripes, [1, 8, 8]);
    out.forEach((v, i) => {
      const interior = i % 8 > 0 && i % 8 < 7;
      expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(interior ? 0.5 : 6); // edges renormalise a clipped filter
    });
  });

  it('preserves the mean of noise when downscaling 10x', () => {
    const values = Array.from({ length: 100 * 100 }, (_, i) => (i * 7919) % 256);
    const out = resizeImage(gray(100, 100, values), [1, 10, 10]);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(out) - mean(values))).toBeLessThan(1.5);
  });

  it('converts RGB to gray with luma weights and gray to RGB by replication', () => {
    const red: DecodedImage = { width: 1, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0]) };
    expect([...resizeImage(red, [1, 1, 1])]).toEqual([76]);
    const green: DecodedImage = { width: 1, height: 1, channels: 4, data: Uint8Array.from([0, 255, 0, 255]) };
    expect([...resizeImage(green, [1, 1, 1])]).toEqual([150]);
    expect([...resizeImage(gray(1, 1, [42]), [3, 1, 1])]).toEqual([42, 42, 42]);
  });

  it('composites alpha on white and then drops it', () => {
    const rgba: DecodedImage = { width: 2, height: 1, channels: 4, data: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 128]) };
    expect([...resizeImage(rgba, [3, 1, 2])]).toEqual([255, 127, 255, 127, 255, 127]);
    const ga: DecodedImage = { width: 1, height: 1, channels: 2, data: Uint8Array.from([0, 255]) };
    expect([...resizeImage(ga, [1, 1, 1])]).toEqual([0]);
  });

  it('writes at an offset into a shared buffer', () => {
    const out = new Uint8Array(6).fill(9);
    resizeImage(gray(1, 1, [7]), [1, 2, 2], out, 1);
    expect([...out]).toEqual([9, 7, 7, 7, 7, 9]);
  });
});

describe('resizeChw', () => {
  it('copies, replicates gray, converts RGB planes to luma and resizes', () => {
    const out = new Uint8Array(12);
    resizeChw(Uint8Array.from([10, 20, 30, 40]), [1, 2, 2], [3, 2, 2], out, 0);
    expect([...out]).toEqual([10, 20, 30, 40, 10, 20, 30, 40, 10, 20, 30, 40]);
    const luma = new Uint8Array(1);
    resizeChw(Uint8Array.from([255, 0, 0]), [3, 1, 1], [1, 1, 1], luma, 0);
    expect(luma[0]).toBe(76);
    const up = new Uint8Array(4);
    resizeChw(Uint8Array.from([0, 255]), [1, 1, 2], [1, 1, 4], up, 0);
    expect([...up]).toEqual([0, 64, 191, 255]);
  });
});

describe('shape and decoder checks', () => {
  it('rejects target shapes other than [1|3, H>0, W>0]', () => {
    expect(() => checkTargetShape([2, 4, 4])).toThrow(RangeError);
    expect(() => checkTargetShape([1, 0, 4])).toThrow(RangeError);
    expect(() => checkTargetShape([3, 224])).toThrow(RangeError);
    expect(() => checkTargetShape([3, 224, 224])).not.toThrow();
  });

  it('flags decoder output whose size does not match', () => {
    expect(decodedImageProblem(gray(2, 2, [1, 2, 3]))).toMatch(/3 bytes/);
    expect(decodedImageProblem({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) })).toMatch(/bad size/);
    expect(decodedImageProblem({ width: 1, height: 1, channels: 5, data: new Uint8Array(5) })).toMatch(/channel/);
    expect(decodedImageProblem(gray(1, 1, [1]))).toBeNull();
  });
});
