import { spawnSync } from 'node:child_process';

/** The Python that has Debian's python3-torch. */
export const PYTHON = '/usr/bin/python3';

/** True when PYTHON can import torch (find_spec: no import, fast). */
export function hasTorch(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("torch") else 1)'], { timeout: 10_000 });
  return probe.status === 0;
}

/** Runs a Python script that reads one JSON value on stdin and prints one JSON value; returns it parsed. */
export function runPythonJson<T>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
