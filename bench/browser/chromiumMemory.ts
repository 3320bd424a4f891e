/**
 * Memory of the Chromium processes this Node process started (Linux /proc): resident set now (VmRSS)
 * and each process's own peak (VmHWM). The studio's engine worker lives in the page's renderer process.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One Chromium process: its --type (browser, renderer, gpu-process, utility, zygote) and memory in bytes. */
export interface ChromiumProcess { pid: number; type: string; rssBytes: number; hwmBytes: number }

/** Parent pid of every process that can be read. */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state, ppid, ...
      parents.set(Number(name), Number(fields[1]));
    } catch { /* the process ended */ }
  }
  return parents;
}

/** Pids of all descendants of `root`. */
function descendants(root: number): number[] {
  const parents = parentPids();
  const found = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) if (found.has(ppid) && !found.has(pid)) { found.add(pid); grew = true; }
  }
  found.delete(root);
  return [...found];
}

/** VmRSS/VmHWM of one process, or null when it is gone or not Chromium. */
function chromiumProcess(pid: number): ChromiumProcess | null {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/); // Chromium may rewrite its title into one string
    if (!/chrom/.test(cmd[0] ?? '')) return null;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    const type = cmd.find((a) => a.startsWith('--type='))?.slice('--type='.length) ?? 'browser';
    return { pid, type, rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** The Chromium processes below this Node process, now. */
export function chromiumProcesses(): ChromiumProcess[] {
  return descendants(process.pid).map(chromiumProcess).filter((p): p is ChromiumProcess => p !== null);
}

/** Peaks seen by a sampler: the largest total RSS of all Chromium processes, and the largest renderer's own peak. */
export interface ChromiumPeaks { totalRssBytes: number; rendererHwmBytes: number; samples: number }

/** Samples the Chromium processes every `intervalMs` until stop() (which samples once more and returns the peaks). */
export function sampleChromium(intervalMs = 500): { stop: () => ChromiumPeaks } {
  const peaks: ChromiumPeaks = { totalRssBytes: 0, rendererHwmBytes: 0, samples: 0 };
  const sample = (): void => {
    const procs = chromiumProcesses();
    peaks.samples += 1;
    peaks.totalRssBytes = Math.max(peaks.totalRssBytes, procs.reduce((a, p) => a + p.rssBytes, 0));
    for (const p of procs) if (p.type === 'renderer') peaks.rendererHwmBytes = Math.max(peaks.rendererHwmBytes, p.hwmBytes);
  };
  const timer = setInterval(sample, intervalMs);
  return { stop: () => { clearInterval(timer); sample(); return { ...peaks }; } };
}
