import type { CliContext } from './cliContext';
import { evalCommand } from './commands/evalCommand';
import { infoCommand } from './commands/infoCommand';
import { logitsCommand } from './commands/logitsCommand';

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
  eval   <model-dir> --data <dataset> [--split train|val|test] [--limit N] [--batch B]
global options: --backend wasm|cpu (default wasm), --num-heads N (unknown timm names), --json
<dataset>: a folder of class folders, IDX files (Fashion-MNIST layout), a .zip of class folders, a dataset .safetensors, or "sample"`;

const str = (args: CliArgs) => args as Record<string, string | undefined>;

/** Every command by name. */
export const COMMANDS: Record<string, CliCommand> = {
  info: { tensors: false, run: (ctx, dir) => infoCommand(ctx, dir) },
  logits: { tensors: true, run: (ctx, dir, args) => logitsCommand(ctx, dir, str(args)) },
  eval: { tensors: true, run: (ctx, dir, args) => evalCommand(ctx, dir, str(args)) },
};
