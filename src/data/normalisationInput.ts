/** Input normalisation typed by a person (studio fields, CLI --mean/--std): parsed and checked against the model's channels. */

/** Per-channel mean and std (pixel values scaled to [0, 1] first). */
export interface NormalisationValues { mean: number[]; std: number[] }

/**
 * Values of "0.5,0.5,0.5" (commas and/or spaces) for a model with `channels` input channels; one value
 * stands for every channel. Throws RangeError naming `what` when a value is not a number, the count is
 * wrong, or (std) a value is not > 0.
 */
export function channelValues(text: string, channels: number, what: 'mean' | 'std'): number[] {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const values = parts.map(Number);
  if (parts.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`${what} must be numbers separated by commas; got "${text}"`);
  }
  if (values.length !== 1 && values.length !== channels) {
    throw new RangeError(`${what} needs ${channels} value${channels === 1 ? '' : 's'} (one per input channel) or one for all; got ${values.length}`);
  }
  const full = values.length === 1 ? new Array<number>(channels).fill(values[0]) : values;
  if (what === 'std' && full.some((v) => !(v > 0))) throw new RangeError(`std must be > 0; got "${text}"`);
  return full;
}

/** Checks mean/std arrays for `channels` channels (same rules as channelValues); returns copies. */
export function checkNormalisation(values: NormalisationValues, channels: number): NormalisationValues {
  return { mean: channelValues(values.mean.join(','), channels, 'mean'), std: channelValues(values.std.join(','), channels, 'std') };
}
