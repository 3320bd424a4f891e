/** Dimensions of one (possibly slimmed) transformer block; indices refer to the residual width D. */
export interface BlockDims {
  /** Residual dims (indices into D, ascending) that feed q/k/v after LN1; null = all D; [] when the attention is removed. */
  qkvIn: number[] | null;
  /** Original index of every kept head, ascending; its length is the kept head count h' ([] = attention sublayer removed). */
  heads: number[];
  /** Value width of every kept head (same order as `heads`), each in 1..headDim. */
  valueWidths: number[];
  /** Residual dims (indices into D, ascending) that feed fc1 after LN2; null = all D; [] when the MLP is removed. */
  fc1In: number[] | null;
  /** MLP hidden width u (rows of fc1, input columns of fc2); 0 = MLP sublayer removed. */
  hidden: number;
}

/** True when a block keeps its attention sublayer (a removed one has no heads: no LN1, no q/k/v, no proj). */
export function hasAttention(dims: BlockDims): boolean {
  return dims.heads.length > 0;
}

/** True when a block keeps its MLP sublayer (a removed one has hidden width 0: no LN2, no fc1, no fc2). */
export function hasMlp(dims: BlockDims): boolean {
  return dims.hidden > 0;
}

/** Dims of a block whose attention is removed: no heads and no q/k/v inputs. */
export function withoutAttention(dims: BlockDims): BlockDims {
  return { ...dims, qkvIn: [], heads: [], valueWidths: [] };
}

/** Dims of a block whose MLP is removed: hidden width 0 and no fc1 inputs. */
export function withoutMlp(dims: BlockDims): BlockDims {
  return { ...dims, fc1In: [], hidden: 0 };
}

/** Where a classifier head came from when it is not the checkpoint's own: a new head fitted on frozen features. */
export interface HeadOrigin {
  source: 'new';
  /** Name of the dataset the head was fitted on. */
  fittedOn: string;
  /** Images of the fitting (training) part and of the held-out validation part. */
  trainImages: number;
  valImages: number;
  /** Top-1 accuracy 0..1 of the new head on the validation part; null when there was none. */
  valAccuracy: number | null;
}

/** Architecture of a ViT/DeiT (pre-norm, class token, learned position embedding). */
export interface VitConfig {
  /** Input image size in pixels, [height, width]. */
  imageSize: [number, number];
  /** Square patch side in pixels. */
  patchSize: number;
  /** Input channels C. */
  inChans: number;
  /** Residual width D. */
  embedDim: number;
  /** Number of transformer blocks. */
  depth: number;
  /** Heads of the full (unpruned) model. */
  numHeads: number;
  /** Query/key width per head; the attention scale is headDim^-0.5 even after pruning. */
  headDim: number;
  /** MLP hidden width of the full model. */
  mlpHidden: number;
  /** Output classes (0 = no head, features only). */
  numClasses: number;
  /** LayerNorm epsilon (timm 1e-6, Hugging Face ViT 1e-12). */
  layerNormEps: number;
  /** Whether q/k/v projections carry a bias. */
  qkvBias: boolean;
  /** DeiT distillation token and second head; inference logits are the mean of both heads. */
  distilled: boolean;
  /** Per-block dims of a slimmed model; null = every block full width. */
  blocks: BlockDims[] | null;
  /** Class names, length numClasses, when the checkpoint gives them. */
  classNames: string[] | null;
  /** Per-channel input normalisation (applied by data loaders, not by the model). */
  mean: number[];
  std: number[];
  /** True when the importer guessed mean/std (the checkpoint gave none); the user can set them. */
  normalisationAssumed: boolean;
  /** Name the checkpoint used for this architecture (informational). */
  architecture: string;
  /** Original indices (ascending) of blocks dropped by pruning (both sublayers removed); absent or empty = none. */
  droppedBlocks?: number[];
  /** Set when the classifier head is new (fitted by the studio), absent or null for the checkpoint's own. */
  headOrigin?: HeadOrigin | null;
}

/** Defaults of a timm ViT/DeiT config, for building configs in code and tests. */
export const VIT_CONFIG_DEFAULTS: VitConfig = {
  imageSize: [224, 224],
  patchSize: 16,
  inChans: 3,
  embedDim: 768,
  depth: 12,
  numHeads: 12,
  headDim: 64,
  mlpHidden: 3072,
  numClasses: 1000,
  layerNormEps: 1e-6,
  qkvBias: true,
  distilled: false,
  blocks: null,
  classNames: null,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  normalisationAssumed: false,
  architecture: 'vit_base_patch16_224',
};

/** A full config from partial fields; headDim defaults to embedDim / numHeads. */
export function vitConfig(partial: Partial<VitConfig>): VitConfig {
  const merged = { ...VIT_CONFIG_DEFAULTS, ...partial };
  if (partial.headDim === undefined) merged.headDim = merged.embedDim / merged.numHeads;
  return merged;
}

/** The full-width dims of one block of `cfg` (every head, every dim). */
export function fullBlockDims(cfg: VitConfig): BlockDims {
  return {
    qkvIn: null,
    heads: Array.from({ length: cfg.numHeads }, (_, h) => h),
    valueWidths: Array.from({ length: cfg.numHeads }, () => cfg.headDim),
    fc1In: null,
    hidden: cfg.mlpHidden,
  };
}

/** Dims of block `i`: the slim dims when present, else the full ones. */
export function blockDimsAt(cfg: VitConfig, i: number): BlockDims {
  return cfg.blocks ? cfg.blocks[i] : fullBlockDims(cfg);
}

/** Number of patch tokens n_p = (H / P) * (W / P). */
export function patchCount(cfg: VitConfig): number {
  return Math.floor(cfg.imageSize[0] / cfg.patchSize) * Math.floor(cfg.imageSize[1] / cfg.patchSize);
}

/** Number of prefix tokens: class token, plus distillation token when distilled. */
export function prefixTokenCount(cfg: VitConfig): number {
  return cfg.distilled ? 2 : 1;
}
