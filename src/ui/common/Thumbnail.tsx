import { memo, useMemo, type ReactElement } from 'react';
import { bmpDataUrl } from './bmpDataUrl';

/**
 * A thumbnail of a [C, H, W] uint8 image, scaled up with crisp pixels. Shown as an <img> of a BMP data
 * URL rather than one <canvas> per image: dozens of canvases each become a compositor layer, which
 * makes every frame of the page slow to composite while training runs.
 */
export const Thumbnail = memo(function Thumbnail(props: {
  pixels: Uint8Array;
  shape: [number, number, number];
  title: string;
  size?: number;
}): ReactElement {
  const url = useMemo(() => bmpDataUrl(props.pixels, props.shape), [props.pixels, props.shape]);
  const size = props.size ?? 44;
  return <img className="thumb" src={url} width={size} height={size} alt={props.title} title={props.title} decoding="async" />;
});
