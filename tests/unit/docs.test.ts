/** The README stands on its own: every file it links exists, it cites no design notes outside the repository, and the CSP it quotes is index.html's. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('cites no file outside the repository (DESIGN.md is not shipped) and every relative link resolves', () => {
    expect(README).not.toMatch(/DESIGN\.md/);
    const links = [...README.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(existsSync(path.join(ROOT, link)), link).toBe(true);
  });

  it('points at docs/method.md for the method, the cost formulas, the reference figures and the recipe', () => {
    const method = readFileSync(path.join(ROOT, 'docs/method.md'), 'utf8');
    expect(README).toMatch(/docs\/method\.md/);
    for (const heading of ['## 1. Scores, threshold, slimming', '## 2. Costs', '## 3. Reference figures', '## 4. The demo model and its recipe']) {
      expect(method).toContain(heading);
    }
    expect(method).toMatch(/90\.9%/);
  });

  it('quotes the Content-Security-Policy that index.html sets, which allows no inline styles or scripts', () => {
    const html = readFileSync(path.join(ROOT, 'index.html'), 'utf8');
    const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(policy).toBeDefined();
    expect(README).toContain(`Content-Security-Policy \`${policy}\``);
    expect(policy).not.toMatch(/unsafe-inline/);
  });
});
