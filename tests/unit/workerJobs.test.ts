import { describe, expect, it } from 'vitest';
import { Job, JobRegistry } from '../../src/worker/jobs';
import { isSuperseded, LatestWins } from '../../src/worker/latestWins';
import { PauseGate } from '../../src/worker/pauseGate';
import { RateLimiter } from '../../src/worker/rateLimiter';
import { BACKEND_ORDER, chooseBackend, fallbackOrder } from '../../src/worker/backendChoice';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('PauseGate and Job', () => {
  it('holds waiters while paused and releases them on resume', async () => {
    const gate = new PauseGate();
    await gate.wait();
    gate.pause();
    let released = false;
    void gate.wait().then(() => { released = true; });
    await tick();
    expect(released).toBe(false);
    gate.resume();
    await tick();
    expect(released).toBe(true);
  });

  it('pause closes the gate and leaves the running segment alone; cancel stops everything and opens the gate', () => {
    const job = new Job('j');
    const seg = job.newSegment();
    job.pause();
    expect(seg.aborted).toBe(false);
    expect(job.lastStop).toBeNull();
    expect(job.gate.paused).toBe(true);
    job.interrupt('device-lost');
    expect(seg.aborted).toBe(true);
    expect(job.lastStop).toBe('device-lost');
    const seg2 = job.newSegment();
    expect(seg2.aborted).toBe(false);
    job.cancel();
    expect(seg2.aborted).toBe(true);
    expect(job.lastStop).toBe('cancelled');
    expect(job.gate.paused).toBe(false);
    expect(job.newSegment().aborted).toBe(true);
  });

  it('the registry refuses duplicate ids and forgets finished jobs', async () => {
    const jobs = new JobRegistry();
    const running = jobs.run('a', async (job) => { await tick(); return job.id; });
    expect(() => jobs.start('a')).toThrow(/already running/);
    expect(await running).toBe('a');
    expect(jobs.get('a')).toBeUndefined();
    jobs.cancel('unknown'); // no-op
  });
});

describe('RateLimiter', () => {
  it('accepts one event per interval unless forced', () => {
    let now = 0;
    const limiter = new RateLimiter({ intervalMs: 100, now: () => now });
    expect(limiter.accept()).toBe(true);
    now = 50;
    expect(limiter.accept()).toBe(false);
    expect(limiter.accept(true)).toBe(true);
    now = 149;
    expect(limiter.accept()).toBe(false);
    now = 150;
    expect(limiter.accept()).toBe(true);
  });
});

describe('LatestWins', () => {
  it('aborts the older call (superseded) and completes the newest', async () => {
    const latest = new LatestWins();
    const started: number[] = [];
    const work = (n: number) => (signal: AbortSignal) => new Promise<number>((resolve) => {
      started.push(n);
      const t = setTimeout(() => resolve(n), 30);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(-1); });
    });
    const calls = [1, 2, 3, 4].map((n) => latest.run(work(n)));
    const results = await Promise.allSettled(calls);
    expect(results.slice(0, 3).every((r) => r.status === 'rejected' && isSuperseded(r.reason))).toBe(true);
    expect(results[3]).toEqual({ status: 'fulfilled', value: 4 });
    expect(started[0]).toBe(1);
    expect(started).toContain(4);
    expect(started).not.toContain(2); // superseded while waiting: never started
  });
});

describe('backend choice', () => {
  it('falls through the order with a reason for every refusal', async () => {
    const report = await chooseBackend({
      order: BACKEND_ORDER,
      probe: async (name) => ({ webgpu: 'navigator.gpu missing', webgl: null, wasm: null, cpu: null })[name],
      activate: async (name) => { if (name === 'wasm') throw new Error('no wasm file'); return name !== 'webgl'; },
      smokeTest: async () => null,
    });
    expect(report).toEqual({
      backend: 'cpu',
      notes: ['WebGPU unavailable: navigator.gpu missing', 'WebGL unavailable: backend failed to initialise', 'WASM unavailable: backend failed to initialise: no wasm file'],
    });
    expect(fallbackOrder('webgpu')).toEqual(['webgl', 'wasm', 'cpu']);
  });

  it('refuses a backend whose test op is wrong', async () => {
    const report = await chooseBackend({ order: ['webgl', 'cpu'], probe: async () => null, activate: async () => true,
      smokeTest: async () => 'wrong result of a test op (0, 0)' }).catch((e: Error) => e.message);
    expect(report).toMatch(/WebGL unavailable: wrong result/);
  });
});

describe('browser image decoder (header checks; decoding itself runs in the browser e2e)', () => {
  it('downscales large images and records why a file could not be decoded', async () => {
    const { decodeSize, predecodeImages } = await import('../../src/worker/browserImageDecoder');
    const { pngBytes, forgedPngHeader } = await import('../fixtures/data/makeData');
    expect(decodeSize(4000, 2000, 1024)).toEqual({ width: 1024, height: 512 });
    expect(decodeSize(28, 28, 1024)).toEqual({ width: 28, height: 28 });
    const ok = pngBytes(4, 4, () => [1, 2, 3, 255]);
    const huge = forgedPngHeader(20_000, 20_000);
    const decode = await predecodeImages([{ name: 'a/ok.png', bytes: ok }, { name: 'a/huge.png', bytes: huge }, { name: 'a/x.txt', bytes: new Uint8Array([1]) }]);
    // Node has no createImageBitmap: the reason is recorded and thrown by the lookup decoder
    expect(() => decode(ok, 'a/ok.png')).toThrow(/createImageBitmap|not defined/);
    expect(() => decode(huge, 'a/huge.png')).toThrow(/was not decoded/); // refused on its header, never decoded
  });
});
