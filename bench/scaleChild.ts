/**
 * One model of the scale table in a fresh process (own wasm heap: its size is then this model's high-water
 * mark, and running out of wasm memory ends only this process). Prints one JSON line per finished part:
 * {"forward": cell}, {"step": cell}, {"end": {...}}.
 *
 *   tsx bench/scaleChild.ts demo|tiny|small|base
 */
import { useNodeBackend } from '../src/cli/nodeBackend';
import { modelCost } from '../src/prune/costs';
import { baseModel } from './benchCommon';
import { SCALE } from './benchConfig';
import { randomDeit, type DeitSize } from './modelShapes';
import { forwardPeak, stepPeak, wasmHeapBytes } from './peakMemory';
import { scoreStepTimes } from './scoreStep';
import { tfjsLatency } from './timing';

const print = (line: object) => { process.stdout.write(JSON.stringify(line) + '\n'); };

async function main(): Promise<void> {
  await useNodeBackend('wasm');
  const key = process.argv[2] ?? 'demo';
  const m = key === 'demo' ? { ...(await baseModel()), name: 'demo' } : randomDeit(key as DeitSize);
  const { forwardBatch, stepBatch, counts } = SCALE;
  const cost = modelCost(m.cfg).total;
  print({ model: { name: 'source' in m ? `demo (${m.source})` : m.name, params: cost.params, macs: cost.macs } });
  const fwd = { batch: forwardBatch, ...await tfjsLatency(m.cfg, m.tensors, forwardBatch, counts) };
  const fwdMem = await forwardPeak(m.cfg, m.tensors, forwardBatch);
  print({ forward: { ...fwd, peakBytes: fwdMem.peakBytes }, weightBytes: fwdMem.weightBytes });
  const step = { batch: stepBatch, ...await scoreStepTimes(m.cfg, m.tensors, stepBatch, counts) };
  print({ step: { ...step, peakBytes: (await stepPeak(m.cfg, m.tensors, stepBatch)).peakBytes } });
  print({ wasmHeapBytes: wasmHeapBytes() });
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
