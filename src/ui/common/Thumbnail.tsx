import { memo, useMemo, type ReactElement } from 'react';

/** One detached canvas, reused to turn pixels into image URLs (never in the page, never a layer). */
let scratch: HTMLCanvasElement | null = null;
const urls = new WeakMap<Uint8Array, string>();

/**
 * A PNG data URL of a uint8 image stored as [C, H, W] (1 or 3 channels, as the worker sends
 * thumbnails): the pixels are drawn on a canvas through ImageData, then read back once.
 */
export function thumbnailUrl(pixels: Uint8Array, shape: [number, number, number]): string {
  const cached = urls.get(pixels);
  if (cached) return cached;
  const [c, h, w] = shape;
  scratch ??= document.createElement('canvas');
  scratch.width = w;
  scratch.height = h;
  // willReadFrequently keeps this canvas in CPU memory: no GPU round trips while the engine is busy.
  const ctx = scratch.getContext('2d', { willReadFrequently: true });
  if (!ctx) return '';
  const image = ctx.createImageData(w, h);
  const out = image.data;
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    const o = i * 4;
    if (c >= 3) {
      out[o] = pixels[i];
      out[o + 1] = pixels[plane + i];
      out[o + 2] = pixels[2 * plane + i];
    } else {
      const v = pixels[i];
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
    out[o + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  const url = scratch.toDataURL('image/png');
  urls.set(pixels, url);
  return url;
}

/**
 * A thumbnail of a [C, H, W] uint8 image, scaled up with crisp pixels. Shown as an <img> of a data
 * URL rather than one <canvas> per image: dozens of canvases each become a compositor layer, which
 * makes every frame of the page slow to composite while training runs.
 */
export const Thumbnail = memo(function Thumbnail(props: {
  pixels: Uint8Array;
  shape: [number, number, number];
  title: string;
  size?: number;
}): ReactElement {
  const url = useMemo(() => thumbnailUrl(props.pixels, props.shape), [props.pixels, props.shape]);
  const size = props.size ?? 44;
  return <img className="thumb" src={url} width={size} height={size} alt={props.title} title={props.title} decoding="async" />;
});
