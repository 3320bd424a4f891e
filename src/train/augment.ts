/** Light training augmentation on raw pixel bytes (applied before normalisation). */
export interface AugmentOptions {
  /** Largest random translation in pixels, each axis independently in [-shift, shift]; vacated pixels become 0. */
  shift: number;
  /** Mirror left-right with probability 0.5. */
  flip: boolean;
}

/** DESIGN.md section 3 recipe: shift up to 2 px; flip off unless asked (it suits clothes, not digits or text). */
export const AUGMENT_DEFAULTS: AugmentOptions = { shift: 2, flip: false };

/** Random draw for one image: translation (dy, dx) in pixels and whether to mirror. */
interface ImageDraw { dy: number; dx: number; flip: boolean }

function draw(options: AugmentOptions, rand: () => number): ImageDraw {
  const s = Math.max(0, Math.floor(options.shift));
  const dy = s > 0 ? Math.floor(rand() * (2 * s + 1)) - s : 0;
  const dx = s > 0 ? Math.floor(rand() * (2 * s + 1)) - s : 0;
  return { dy, dx, flip: options.flip && rand() < 0.5 };
}

/** Writes one shifted/mirrored image [C, H, W] from `src` at `at` into `out` at `at` (out starts zeroed). */
function transformImage(src: Uint8Array, out: Uint8Array, at: number, shape: readonly [number, number, number], d: ImageDraw): void {
  const [C, H, W] = shape;
  for (let c = 0; c < C; c++) {
    const plane = at + c * H * W;
    for (let y = 0; y < H; y++) {
      const sy = y - d.dy;
      if (sy < 0 || sy >= H) continue;
      for (let x = 0; x < W; x++) {
        const sx = (d.flip ? W - 1 - x : x) - d.dx;
        if (sx >= 0 && sx < W) out[plane + y * W + x] = src[plane + sy * W + sx];
      }
    }
  }
}

/**
 * Augmented copy of a uint8 batch `pixels` [n, C, H, W] (shape = [C, H, W]): every image is shifted by a
 * random (dy, dx) with zero fill and, when enabled, mirrored with probability 0.5. `rand` is a seeded
 * uniform [0, 1) stream (seededRandom), consumed 2–3 draws per image, so a seed fixes the result.
 */
export function augmentBatch(pixels: Uint8Array, shape: readonly [number, number, number], options: Partial<AugmentOptions>, rand: () => number): Uint8Array {
  const opts = { ...AUGMENT_DEFAULTS, ...options };
  const per = shape[0] * shape[1] * shape[2];
  const n = Math.floor(pixels.length / per);
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < n; i++) transformImage(pixels, out, i * per, shape, draw(opts, rand));
  return out;
}
