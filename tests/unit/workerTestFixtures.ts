/**
 * Shared fixtures of the worker and store tests: a tiny random 28×28×1 ViT served as the "demo model",
 * the shipped Fashion-MNIST sample read from public/, an in-process engine (cpu backend) and an
 * in-process EngineClient for the store (crash = throw the engine away and build a new one).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeImageDecoder } from '../../src/data/nodeImageDecoder';
import { projectModelFiles } from '../../src/io/projectModel';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { EngineCrashed, type EngineClient } from '../../src/store/workerClient';
import { createEngine, type Engine, type EngineOptions } from '../../src/worker/engine';
import type { EngineApi } from '../../src/worker/engineApi';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Fashion-MNIST class names (as in the sample's metadata). */
export const FMNIST = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** A tiny model with the demo model's input and classes. */
export const TINY_CFG: VitConfig = vitConfig({
  imageSize: [28, 28], patchSize: 7, inChans: 1, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 32, numClasses: 10,
  mean: [0.286], std: [0.353], classNames: FMNIST, architecture: 'tiny-test-vit',
});

/** The tiny model in the project format, as the demo model's two files. */
function demoFiles(): Map<string, Uint8Array> {
  const files = projectModelFiles(TINY_CFG, randomVitTensors(TINY_CFG, { seed: 1, weightStd: 0.3 }));
  return new Map([
    ['models/fmnist-vit-s/config.json', new TextEncoder().encode(files['config.json'])],
    ['models/fmnist-vit-s/model.safetensors', files['model.safetensors']],
  ]);
}

const DEMO = demoFiles();
const SAMPLE = new Uint8Array(readFileSync(path.join(ROOT, 'public/data/fmnist-sample.safetensors')));

/** Base URL of the fake app. */
export const BASE_URL = 'http://studio.test/';

/** fetchBytes over the fake app: the tiny demo model and the real sample; anything else is a 404. */
export async function fakeFetch(url: string, missing: string[] = []): Promise<Uint8Array> {
  const rel = url.replace(BASE_URL, '');
  if (!missing.includes(rel)) {
    const hit = DEMO.get(rel) ?? (rel === 'data/fmnist-sample.safetensors' ? SAMPLE : undefined);
    if (hit) return hit.slice();
  }
  throw new Error(`${url} is not available (HTTP 404)`);
}

/** An engine on the cpu backend with the fake assets and the Node image decoder. */
export function testEngine(options: Partial<EngineOptions> = {}): Engine {
  return createEngine({
    backend: { order: ['cpu'] },
    fetchBytes: (url) => fakeFetch(url),
    decoders: async () => nodeImageDecoder,
    evalLimit: 64,
    ...options,
  });
}

/** The store's EngineClient over an in-process engine; kill() throws it away like a crashed worker. */
export class InProcessClient implements EngineClient {
  engine: Engine;
  private die: (error: Error) => void = () => {};
  private died: Promise<never>;
  private readonly listeners = new Set<(info: { reason: string; fatal: boolean }) => void>();

  /** A client over a fresh test engine. */
  constructor(private readonly options: Partial<EngineOptions> = {}) {
    this.engine = testEngine(options);
    this.died = this.deathSignal();
  }

  private deathSignal(): Promise<never> {
    const p = new Promise<never>((_, reject) => { this.die = reject; });
    p.catch(() => {});
    return p;
  }

  /** Runs fn on the engine; rejects with EngineCrashed when killed meanwhile. */
  call<T>(fn: (api: EngineApi) => Promise<T>): Promise<T> {
    return Promise.race([fn(this.engine.api), this.died]);
  }

  /** Subscribes to restarts. */
  onRestart(listener: (info: { reason: string; fatal: boolean }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Crash: cancels the old engine's jobs, drops it, starts a new one and tells the listeners. */
  kill(reason = 'killed'): void {
    const old = this.engine;
    this.die(new EngineCrashed(`the engine stopped unexpectedly (${reason})`));
    for (const job of old.jobs.all()) job.cancel();
    this.engine = testEngine(this.options);
    this.died = this.deathSignal();
    setTimeout(() => { old.session.dispose(); }, 200);
    for (const l of [...this.listeners]) l({ reason, fatal: false });
  }
}
