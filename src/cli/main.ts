import { parseArgs } from 'node:util';
import { CheckpointError } from '../io/checkpointError';
import { UsageError, type CliContext } from './cliContext';
import { COMMANDS, USAGE } from './commandTable';
import { useNodeBackend, type NodeBackend } from './nodeBackend';

const OPTIONS = {
  json: { type: 'boolean' },
  input: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  'num-heads': { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  data: { type: 'string' },
  split: { type: 'string' },
  'val-fraction': { type: 'string' },
  'split-seed': { type: 'string' },
  'class-map': { type: 'string' },
  'match-by-position': { type: 'boolean' },
  limit: { type: 'string' },
  batch: { type: 'string' },
  steps: { type: 'string' },
  lr: { type: 'string' },
  l1: { type: 'string' },
  'train-weights': { type: 'boolean' },
  'sublayer-gates': { type: 'boolean' },
  'no-augment': { type: 'boolean' },
  seed: { type: 'string' },
  scores: { type: 'string' },
  rate: { type: 'string' },
  rates: { type: 'string' },
  'macs-saved': { type: 'string' },
  'params-saved': { type: 'string' },
  'latency-ms': { type: 'string' },
  'latency-batch': { type: 'string' },
  'latency-table': { type: 'string' },
  'latency-corrections': { type: 'string' },
  rank: { type: 'string' },
  heads: { type: 'boolean' },
  sublayers: { type: 'boolean' },
  unit: { type: 'string' },
  criterion: { type: 'string' },
  'no-fold': { type: 'boolean' },
  fold: { type: 'boolean' },
  'round-to': { type: 'string' },
  'block-rates': { type: 'string' },
  'finetune-steps': { type: 'string' },
  'finetune-distill': { type: 'boolean' },
  distill: { type: 'boolean' },
  target: { type: 'string' },
  'distill-alpha': { type: 'string' },
  temperature: { type: 'string' },
  'agreement-with': { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, dir, ...rest] = positionals;
  if (values.help || !command) { process.stderr.write(USAGE + '\n'); if (!command && !values.help) process.exitCode = 2; return; }
  const entry = COMMANDS[command];
  if (!entry) throw new UsageError(`unknown command "${command}"`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!dir) throw new UsageError(`${command} needs a model folder`);
  const backendName = (values.backend ?? 'wasm') as NodeBackend;
  if (backendName !== 'wasm' && backendName !== 'cpu') throw new UsageError(`--backend must be wasm or cpu, got "${values.backend}"`);
  const ctx: CliContext = {
    log: (line) => process.stderr.write(line + '\n'),
    print: (text) => process.stdout.write(text),
    json: values.json ?? false,
    backend: backendName,
    numHeads: positiveInt(values['num-heads'], '--num-heads'),
    normalisation: { mean: values.mean, std: values.std },
  };
  if (entry.tensors) {
    const chosen = await useNodeBackend(backendName);
    ctx.backend = chosen.backend;
    if (chosen.note) ctx.log(chosen.note);
  }
  await entry.run(ctx, dir, values);
}

/** Exit code and one-line message for an error (2 = usage, 1 = anything else). */
function reportError(err: unknown): number {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
    process.stderr.write(`vtp: ${(err as Error).message}\n${USAGE.split('\n')[0]}\n`);
    return 2;
  }
  const message = err instanceof CheckpointError ? err.message : `${(err as Error).message ?? String(err)}`;
  process.stderr.write(`vtp: error: ${message.split('\n')[0]}\n`);
  return 1;
}

run(process.argv.slice(2)).catch((err) => { process.exitCode = reportError(err); });
