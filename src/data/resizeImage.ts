/**
 * Resizing decoded images to the model's input geometry [C, H, W] (uint8, channels-first).
 *
 * Resampling is separable "antialiased bilinear" (the PIL / torchvision `antialias=True` filter): a
 * triangle filter whose support widens with the downscale factor, so downscaling averages every
 * covered source pixel (area-like) instead of aliasing, and upscaling is plain bilinear with
 * half-pixel centres (align_corners=False). Equal sizes copy pixels exactly.
 *
 * Colour: RGB -> gray uses luma 0.299 R + 0.587 G + 0.114 B; gray -> RGB replicates the plane.
 * Alpha is composited on WHITE (a transparent pixel becomes 255), then dropped.
 */

/** A decoded image, channels interleaved row-major: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: number;
  /** width * height * channels bytes. */
  data: Uint8Array;
}

/** Luma weights for RGB -> gray (ITU-R BT.601, as PIL's "L" mode). */
export const LUMA = [0.299, 0.587, 0.114] as const;

interface AxisWeights { start: Int32Array; count: Int32Array; weights: Float32Array; taps: number }

const weightCache = new Map<string, AxisWeights>();

/** Filter taps mapping `src` samples to `dst` samples along one axis (zero weights trimmed; cached). */
function axisWeights(src: number, dst: number): AxisWeights {
  const key = `${src}>${dst}`;
  const hit = weightCache.get(key);
  if (hit) return hit;
  const scale = src / dst;
  const support = Math.max(scale, 1); // triangle radius in source pixels
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * taps);
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(src, Math.ceil(centre + support));
    let first = -1;
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const w = 1 - Math.abs((j + 0.5 - centre) / support);
      if (w <= 0) continue;
      if (first < 0) first = j;
      weights[i * taps + j - first] = w;
      count[i] = j - first + 1;
      total += w;
    }
    start[i] = Math.max(first, 0);
    for (let k = 0; k < count[i]; k++) weights[i * taps + k] /= total;
  }
  const result = { start, count, weights, taps };
  if (weightCache.size > 64) weightCache.clear();
  weightCache.set(key, result);
  return result;
}

/** Resamples one float plane [h, w] to [H, W], writing rounded bytes into out[offset..]. */
export function resizePlane(
  plane: Float32Array, w: number, h: number, W: number, H: number, out: Uint8Array, offset: number,
): void {
  if (w === W && h === H) {
    for (let p = 0; p < W * H; p++) out[offset + p] = clampByte(plane[p]);
    return;
  }
  const tmp = horizontalPass(plane, w, h, W);
  const { start, count, weights, taps } = axisWeights(h, H);
  const acc = new Float64Array(W);
  for (let y = 0; y < H; y++) {
    acc.fill(0);
    for (let k = 0; k < count[y]; k++) {
      const weight = weights[y * taps + k];
      const row = (start[y] + k) * W;
      for (let x = 0; x < W; x++) acc[x] += tmp[row + x] * weight;
    }
    for (let x = 0; x < W; x++) out[offset + y * W + x] = clampByte(acc[x]);
  }
}

/** Resamples every row of a [h, w] plane to width W, giving a float [h, W] plane. */
function horizontalPass(plane: Float32Array, w: number, h: number, W: number): Float32Array {
  if (w === W) return plane;
  const { start, count, weights, taps } = axisWeights(w, W);
  const tmp = new Float32Array(h * W);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < W; x++) {
      const at = y * w + start[x];
      const base = x * taps;
      let sum = 0;
      for (let k = 0; k < count[x]; k++) sum += plane[at + k] * weights[base + k];
      tmp[y * W + x] = sum;
    }
  }
  return tmp;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

/** Splits an interleaved image into `targetChannels` (1 or 3) float planes, alpha composited on white. */
export function toPlanes(img: DecodedImage, targetChannels: number): Float32Array[] {
  const { width, height, channels, data } = img;
  const n = width * height;
  const planes = Array.from({ length: targetChannels }, () => new Float32Array(n));
  const hasAlpha = channels === 2 || channels === 4;
  const colour = channels >= 3;
  for (let p = 0; p < n; p++) {
    const at = p * channels;
    const alpha = hasAlpha ? data[at + channels - 1] / 255 : 1;
    const white = 255 * (1 - alpha);
    const r = data[at] * alpha + white;
    const g = colour ? data[at + 1] * alpha + white : r;
    const b = colour ? data[at + 2] * alpha + white : r;
    if (targetChannels === 1) planes[0][p] = colour ? LUMA[0] * r + LUMA[1] * g + LUMA[2] * b : r;
    else { planes[0][p] = r; planes[1][p] = g; planes[2][p] = b; }
  }
  return planes;
}

/** Checks a target shape [C, H, W]: C is 1 or 3, H and W positive integers; throws RangeError otherwise. */
export function checkTargetShape(shape: readonly number[]): void {
  const [c, h, w] = shape;
  const ok = shape.length === 3 && (c === 1 || c === 3) && [h, w].every((d) => Number.isSafeInteger(d) && d > 0);
  if (!ok) throw new RangeError(`target shape must be [1 or 3, H, W] with H, W > 0; got [${shape.join(', ')}].`);
}

/** Checks that data holds width*height*channels bytes with 1..4 channels; returns a reason or null. */
export function decodedImageProblem(img: DecodedImage): string | null {
  const { width, height, channels, data } = img;
  if (![width, height].every((d) => Number.isSafeInteger(d) && d > 0)) return `bad size ${width}×${height}`;
  if (!(channels >= 1 && channels <= 4 && Number.isInteger(channels))) return `unsupported channel count ${channels}`;
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    return `decoder returned ${data?.length ?? 0} bytes for ${width}×${height}×${channels}`;
  }
  return null;
}

/** Resizes a decoded image to `shape` [C, H, W]; writes into out[offset..] (a fresh array when omitted). */
export function resizeImage(
  img: DecodedImage, shape: readonly [number, number, number], out?: Uint8Array, offset = 0,
): Uint8Array {
  checkTargetShape(shape);
  const [C, H, W] = shape;
  const target = out ?? new Uint8Array(C * H * W);
  if (img.channels === C && img.width === W && img.height === H) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) target[offset + c * H * W + p] = img.data[p * C + c];
    }
    return target;
  }
  const colour = img.channels >= 3;
  const planes = toPlanes(img, colour ? C : 1);
  planes.forEach((plane, c) => resizePlane(plane, img.width, img.height, W, H, target, offset + c * H * W));
  if (!colour && C === 3) replicatePlane(target, offset, H * W);
  return target;
}

/** Copies channel 0 of a [3, H, W] image at `offset` into channels 1 and 2. */
function replicatePlane(out: Uint8Array, offset: number, plane: number): void {
  out.copyWithin(offset + plane, offset, offset + plane);
  out.copyWithin(offset + 2 * plane, offset, offset + plane);
}

/** Resizes a channels-first uint8 image [c, h, w] (c = 1 or 3) to `shape`, writing into out[offset..]. */
export function resizeChw(
  src: Uint8Array, srcShape: readonly [number, number, number], shape: readonly [number, number, number],
  out: Uint8Array, offset: number,
): void {
  const [c, h, w] = srcShape;
  const [C, H, W] = shape;
  if (c === C && h === H && w === W) {
    out.set(src.subarray(0, C * H * W), offset);
    return;
  }
  const n = h * w;
  const planes = Array.from({ length: c === C ? C : 1 }, (_, k) => {
    const plane = new Float32Array(n);
    if (c === C || c === 1) for (let p = 0; p < n; p++) plane[p] = src[k * n + p];
    else for (let p = 0; p < n; p++) plane[p] = LUMA[0] * src[p] + LUMA[1] * src[n + p] + LUMA[2] * src[2 * n + p];
    return plane;
  });
  planes.forEach((plane, k) => resizePlane(plane, w, h, W, H, out, offset + k * H * W));
  if (c === 1 && C === 3) replicatePlane(out, offset, H * W);
}
