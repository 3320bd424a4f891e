import { CheckpointError, clipName } from './checkpointError';

/** Width, depth and heads of one timm ViT/DeiT size word (tiny, small, ...). */
export interface TimmSize {
  embedDim: number;
  depth: number;
  numHeads: number;
}

/** The timm size words the studio knows, with their dims (mlp_ratio is 4 for all of them). */
export const TIMM_SIZES: Readonly<Record<string, TimmSize>> = {
  tiny: { embedDim: 192, depth: 12, numHeads: 3 },
  small: { embedDim: 384, depth: 12, numHeads: 6 },
  base: { embedDim: 768, depth: 12, numHeads: 12 },
  large: { embedDim: 1024, depth: 24, numHeads: 16 },
  huge: { embedDim: 1280, depth: 32, numHeads: 16 },
};

/** Defaults a timm architecture name implies; fields are absent where the name says nothing. */
export interface TimmArchDefaults {
  /** 'vit' or 'deit' for a known name; the name's first word otherwise. */
  family: string;
  /** True when the name is in the table (family, size word, patch and image size all known). */
  known: boolean;
  embedDim?: number;
  depth?: number;
  numHeads?: number;
  mlpRatio: number;
  patchSize?: number;
  imgSize?: number;
  distilled: boolean;
}

const KNOWN_NAME = /^(vit|deit)_(tiny|small|base|large|huge)(_distilled)?_patch(8|14|16|32)_(\d+)(_in21k)?$/;
const DEIT_SIZES = ['tiny', 'small', 'base'];

/** Strips a pretrained tag ("vit_base_patch16_224.augreg_in21k" -> "vit_base_patch16_224") and a hub prefix. */
export function baseArchitectureName(name: string): string {
  return name.replace(/^(hf[-_]hub:|timm\/)/, '').split('.')[0].trim().toLowerCase();
}

/** Parses a timm ViT/DeiT name into its implied defaults (known names) or partial hints (others). */
export function timmArchitectureDefaults(name: string): TimmArchDefaults {
  const base = baseArchitectureName(name);
  const known = matchKnown(base);
  if (known) return known;
  const patch = /(?:^|_)patch(\d+)(?:_|$)/.exec(base);
  const img = /_(\d{2,4})(?:_in21k)?$/.exec(base);
  return {
    family: base.split('_')[0],
    known: false,
    mlpRatio: 4,
    patchSize: patch ? Number(patch[1]) : undefined,
    imgSize: img ? Number(img[1]) : undefined,
    distilled: /(?:^|_)distilled(?:_|$)/.test(base),
  };
}

/** Full defaults for a name of the table, or null. */
function matchKnown(base: string): TimmArchDefaults | null {
  const m = KNOWN_NAME.exec(base);
  if (!m) return null;
  const [, family, size, distilled, patch, img] = m;
  const imgSize = Number(img);
  if (family === 'deit' && (!DEIT_SIZES.includes(size) || patch !== '16' || (imgSize !== 224 && imgSize !== 384))) {
    return null;
  }
  if (family === 'vit' && (distilled || imgSize % Number(patch) !== 0)) return null;
  return {
    family, known: true, ...TIMM_SIZES[size], mlpRatio: 4,
    patchSize: Number(patch), imgSize, distilled: distilled !== undefined,
  };
}

/** Architecture dims after model_args and the heads flag; missing ones for unknown names are an error. */
export interface TimmDims {
  embedDim: number;
  depth: number;
  numHeads: number;
}

/**
 * Resolves embed_dim/depth/num_heads: model_args first, then the heads flag (num_heads only), then
 * the table. For a name the table lacks, throws CheckpointError('config') saying which model_args to add.
 */
export function resolveTimmDims(
  name: string, args: Partial<TimmDims>, numHeadsFlag: number | undefined, file: string,
): TimmDims {
  const table = timmArchitectureDefaults(name);
  const embedDim = args.embedDim ?? table.embedDim;
  const depth = args.depth ?? table.depth;
  const numHeads = numHeadsFlag ?? args.numHeads ?? table.numHeads;
  const missing = [
    embedDim === undefined ? 'embed_dim' : '', depth === undefined ? 'depth' : '',
    numHeads === undefined ? 'num_heads' : '',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new CheckpointError('config',
      `${file}: timm architecture "${clipName(name)}" is not in the studio's table of ViT/DeiT names ` +
      `(vit_{tiny,small,base,large,huge}_patchP_S, deit_{tiny,small,base}[_distilled]_patch16_S); ` +
      `add ${missing.map((m) => `"${m}"`).join(', ')} to "model_args" in ${file}` +
      (missing.includes('num_heads') ? ' (or pass the head count as the numHeads option).' : '.'),
      { file });
  }
  return { embedDim: embedDim!, depth: depth!, numHeads: numHeads! };
}
