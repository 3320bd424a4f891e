/**
 * CLI end to end on tiny folders built here: new-head (classes = folder names, never matched to the model's),
 * the result read by info/eval/prune, label-free scores on loose images, agreement without labels.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ROOT, vtp } from './helpers/cli';

const model = join(ROOT, 'tests/fixtures/timm-vit'); // 3×16×16 input, 5 ImageNet-named classes
const work = mkdtempSync(join(tmpdir(), 'vtp-newhead-'));

/** A 16×16 RGB PNG of one colour with a little seeded noise. */
function png(rgb: [number, number, number], seed: number): Buffer {
  const img = new PNG({ width: 16, height: 16 });
  for (let i = 0; i < 256; i++) {
    const noise = ((i * 37 + seed * 101) % 41) - 20;
    for (let c = 0; c < 3; c++) img.data[i * 4 + c] = Math.max(0, Math.min(255, rgb[c] + noise));
    img.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(img);
}

const colours: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 200, 40], blue: [40, 40, 210] };

/** A folder with one sub-folder per colour (6 images each); `flat` puts all images loose in the folder instead. */
function colourFolder(name: string, flat: boolean): string {
  const dir = join(work, name);
  Object.entries(colours).forEach(([cls, rgb]) => {
    const into = flat ? dir : join(dir, cls);
    mkdirSync(into, { recursive: true });
    for (let k = 0; k < 6; k++) writeFileSync(join(into, `${flat ? cls + '-' : ''}${k}.png`), png(rgb, k));
  });
  return dir;
}

const labelled = colourFolder('colours', false);
const loose = colourFolder('loose', true);

describe('vtp new-head', () => {
  const out = join(work, 'new-model');

  it('fits a head for the folder classes (not the model\'s) and prints its validation accuracy', async () => {
    const r = await vtp('new-head', model, '--data', labelled, '--out', out, '--val-fraction', '0.34', '--seed', '3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/validation accuracy \d+\.\d\d% on 6 images/);
    const info = JSON.parse((await vtp('info', out, '--json')).stdout);
    expect(info.numClasses).toBe(3);
    expect(info.classNames).toEqual(['blue', 'green', 'red']);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.head).toMatchObject({ source: 'new', fitted_on: 'colours', train_images: 12, val_images: 6 });
  });

  it('the new model is read like any model: eval on the folder, prune, and the pruned model keeps the head', async () => {
    const ev = await vtp('eval', out, '--data', labelled, '--split', 'all', '--json');
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout).n).toBe(18);
    // The head's validation images are the held-out part of the same split (--val-fraction, --split-seed) eval uses.
    const held = await vtp('eval', out, '--data', labelled, '--split', 'val', '--val-fraction', '0.34', '--split-seed', '3', '--json');
    expect(held.code, held.stderr).toBe(0);
    expect(JSON.parse(held.stdout).n).toBe(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).head.val_images);
    const slim = join(work, 'slim');
    const pr = await vtp('prune', out, '--criterion', 'magnitude', '--rate', '0.3', '--data', labelled, '--out', slim, '--json');
    expect(pr.code, pr.stderr).toBe(0);
    expect(JSON.parse(pr.stdout).agreement).toBeGreaterThanOrEqual(0);
    const config = JSON.parse(readFileSync(join(slim, 'config.json'), 'utf8'));
    expect(config.label_names).toEqual(['blue', 'green', 'red']);
    expect(config.head.source).toBe('new');
  });

  it('refuses loose images (a head needs classes) and a bad --val-fraction', async () => {
    const r = await vtp('new-head', model, '--data', loose, '--out', join(work, 'x'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/vtp: error: .*class folders/);
    const f = await vtp('new-head', model, '--data', labelled, '--out', join(work, 'x'), '--val-fraction', '1');
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--val-fraction must be between 0 and 1/);
  });
});

describe('label-free mode on loose images', () => {
  it('scores --distill trains on a flat folder of images', async () => {
    const scores = join(work, 'lf.safetensors');
    const r = await vtp('scores', model, '--data', loose, '--distill', '--steps', '2', '--batch', '6', '--out', scores, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/unlabelled: 14 images, label-free mode/); // the training part: 4 of 18 held out (0.2)
    const all = await vtp('scores', model, '--data', loose, '--split', 'all', '--distill', '--steps', '1', '--batch', '6', '--out', scores);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/unlabelled: 18 images, label-free mode/);
    expect(JSON.parse(r.stdout).steps).toBe(2);
  });

  it('--target original is --distill; a bad --target, or --distill with --target labels, is a usage error', async () => {
    const r = await vtp('scores', model, '--data', loose, '--split', 'all', '--target', 'original', '--steps', '1', '--batch', '6', '--out', join(work, 'lf2.safetensors'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/distilling from the unpruned model/);
    const bad = await vtp('scores', model, '--data', loose, '--target', 'teacher', '--steps', '1', '--out', join(work, 'no.safetensors'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--target must be labels or original, got "teacher"/);
    const both = await vtp('scores', model, '--data', loose, '--distill', '--target', 'labels', '--steps', '1', '--out', join(work, 'no.safetensors'));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/contradicts --target labels/);
  });

  it('with --target labels a flat folder is a clear one-line error that names the label-free option', async () => {
    const r = await vtp('scores', model, '--data', loose, '--target', 'labels', '--steps', '2', '--out', join(work, 'no.safetensors'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^vtp: error: no images found in class folders.*--distill/);
  });

  it('--distill-alpha > 0 needs labels', async () => {
    const r = await vtp('scores', model, '--data', loose, '--distill', '--distill-alpha', '0.5', '--steps', '1', '--out', join(work, 'no.safetensors'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs labels/);
  });

  it('eval on loose images gives agreement only, and asks for a reference model without one', async () => {
    const ok = await vtp('eval', model, '--data', loose, '--split', 'all', '--agreement-with', model, '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ accuracy: null, agreement: 1, n: 18 });
    const held = await vtp('eval', model, '--data', loose, '--agreement-with', model, '--limit', '3', '--json');
    expect(held.code, held.stderr).toBe(0);
    expect(JSON.parse(held.stdout)).toMatchObject({ accuracy: null, agreement: 1, n: 3 }); // 3 of the held-out 4, the reference on the same 3
    const text = await vtp('eval', model, '--data', loose, '--agreement-with', model);
    expect(text.stdout).toMatch(/accuracy: no labels, agreement with .* 100\.00%/);
    const no = await vtp('eval', model, '--data', loose);
    expect(no.code).toBe(2);
    expect(no.stderr).toMatch(/no labels .*--agreement-with/);
  });

  it('prune --finetune-steps on loose images distils from the unpruned model by default', async () => {
    const r = await vtp('prune', model, '--criterion', 'magnitude', '--rate', '0.3', '--data', loose, '--finetune-steps', '2', '--batch', '6',
      '--out', join(work, 'lf-slim'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/finetuning with distillation from the unpruned model/);
    const report = JSON.parse(r.stdout);
    expect(report.accuracy).toBeNull();
    expect(report.finetuneDistill).toBe(true);
    expect(typeof report.finetunedAgreement).toBe('number');
  });
});
