import type { CliContext } from './cliContext';
import { evalCommand } from './commands/evalCommand';
import { exportCommand } from './commands/exportCommand';
import { infoCommand } from './commands/infoCommand';
import { newHeadCommand } from './commands/newHeadCommand';
import { logitsCommand } from './commands/logitsCommand';
import { pruneCommand } from './commands/pruneCommand';
import { sensitivityCommand } from './commands/sensitivityCommand';
import { scoresCommand } from './commands/scoresCommand';
import { sweepCommand } from './commands/sweepCommand';

/** Parsed flag values, by flag name. */
export type CliArgs = Record<string, string | boolean | undefined>;

/** One CLI command: whether it needs a tfjs backend, and what it runs. */
export interface CliCommand {
  tensors: boolean;
  run: (ctx: CliContext, dir: string, args: CliArgs) => Promise<void>;
}

/** Usage text printed by `vtp --help` and on bad command lines. */
export const USAGE = `usage: vtp <command> <model-dir> [options]
  info   <model-dir> [--json]                                           architecture, per-block dims, params, MACs
  logits <model-dir> --input <in.safetensors> --out <out.safetensors>    pixel_values [B,C,H,W] -> logits [B,classes]
  eval   <model-dir> --data <dataset> [--split val|test|train|all] [--limit N] [--batch B] [--agreement-with <model-dir>]
  scores <model-dir> --data <dataset> --steps N [--batch B] [--lr 1e-2] [--l1 1e-4] [--train-weights] [--seed S] [--no-augment]
                     [--target original|labels] (default original = --distill: match the unpruned model) [--distill-alpha a] [--temperature T]
                     [--sublayer-gates] (also learn one scalar gate per attention/MLP sublayer under the same L1; prune --sublayers ranks by it)
                     --out <scores.safetensors>
  prune  <model-dir> --scores <file> --rate r [--criterion vtp|magnitude] [--fold|--no-fold] [--round-to k] [--block-rates 0:0.1,5:0.6]
                     [--data <dataset> [--split] [--limit N] [--finetune-steps N [--finetune-distill]]] --out <slim-dir>
         a budget instead of --rate: --macs-saved f | --params-saved f | --latency-ms X [--latency-batch 64] [--latency-table <file.json>]
                     [--latency-corrections 2] (re-prunes while the slim model, timed against the full one, saves less than the target)
                     [--rank abs|cost] (abs: |a|, the default; cost: |a| per unit of cost)
                     [--heads] (budgets: whole heads ranked next to the dims, by their value dims' |a|)
                     [--sublayers] (rate or budget: whole attention/MLP sublayers ranked next to the dims, by their output gate's mean |a|,
                     or by their learned gate |g| when the scores have one (scores --sublayer-gates);
                     a block with both removed is dropped)
  sensitivity <model-dir> --scores <file> --rate r|--macs-saved f|--params-saved f --data <dataset> [--limit 500] [--split val]
                     [--criterion] [--fold|--no-fold] [--round-to k] [--block-rates] [--rank] [--heads]   agreement lost by pruning each block alone,
                     and per-block overrides at the same MACs saving that spare sensitive blocks
  new-head <model-dir> --data <dataset> --out <new-model-dir> [--val-fraction 0.2] [--split-seed S]   new linear head for the dataset's classes
  sweep  <model-dir> --scores <file> --data <dataset> --rates 0,0.2,0.4 [--unit rate|macs|params] [--rank abs|cost] [--heads] [--sublayers] [--criterion vtp|magnitude] [--split] [--limit N]
                     [--round-to k] [--fold|--no-fold]   (--unit macs: the rates are fractions of MACs saved)
  export <slim-dir> --format onnx|tfjs|torch|safetensors|timm [--out <file.zip|file.onnx|folder>]
global options: --backend wasm|cpu (default wasm), --num-heads N (unknown timm names), --json,
  --mean 0.5,0.5,0.5 --std 0.5,0.5,0.5 (input normalisation of [0, 1] pixels, replaces the checkpoint's or an assumed one)
<dataset>: a folder of class folders, IDX files (Fashion-MNIST layout), a .zip of class folders, a dataset .safetensors, or "sample";
  a folder of loose images (no class folders) for --distill, and for eval/prune/sweep agreement (no accuracy)
with --data: --split: scores uses train (default), eval/sweep/prune test, new-head all (folders) or train; class folders and zips get
  one seeded stratified split (--val-fraction 0.2, --split-seed 0, as in the studio): train = the training part, val = test = the
  held-out part, all = every image
  classes are matched by name (case, spaces and punctuation ignored; any synonym of "tench, Tinca tinca"); unmatched classes are an
  error unless --class-map <map.json> ({"dataset class": "model class", ...}) or --match-by-position (pairs classes by order);
  new-head and --distill --distill-alpha 0 use the dataset's own classes (no matching)`;

const str = (args: CliArgs) => args as Record<string, string | undefined>;

/** Every command by name. */
export const COMMANDS: Record<string, CliCommand> = {
  info: { tensors: false, run: (ctx, dir) => infoCommand(ctx, dir) },
  logits: { tensors: true, run: (ctx, dir, args) => logitsCommand(ctx, dir, str(args)) },
  eval: { tensors: true, run: (ctx, dir, args) => evalCommand(ctx, dir, args as never) },
  scores: { tensors: true, run: (ctx, dir, args) => scoresCommand(ctx, dir, args as never) },
  prune: { tensors: true, run: (ctx, dir, args) => pruneCommand(ctx, dir, args as never) },
  export: { tensors: false, run: (ctx, dir, args) => exportCommand(ctx, dir, str(args)) },
  sweep: { tensors: true, run: (ctx, dir, args) => sweepCommand(ctx, dir, args as never) },
  sensitivity: { tensors: true, run: (ctx, dir, args) => sensitivityCommand(ctx, dir, args as never) },
  'new-head': { tensors: true, run: (ctx, dir, args) => newHeadCommand(ctx, dir, args as never) },
};
