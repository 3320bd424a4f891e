/**
 * Enforces the layer boundaries of DESIGN.md section 5 by scanning the sources under src/.
 *
 *   - model, prune, train, io and data never import React, react-dom, zustand or recharts,
 *     never import src/ui, src/store or src/worker, and never reference `document` / `window`;
 *   - ui and store (and the entry files directly under src/) never import @tensorflow/*, never
 *     import src/model, src/prune or src/train at runtime (`import type` is erased and allowed),
 *     and never reach @tensorflow/* through a chain of runtime relative imports;
 *   - only src/worker and src/cli call `setBackend(`.
 *
 * The rules are a table (RULES); the checker is a pure function over an in-memory file map so
 * that it is itself tested on synthetic sources below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// ---------------------------------------------------------------------------------------------
// Rule table
// ---------------------------------------------------------------------------------------------

/** Layer of a file: the first folder under src/, or ROOT_LAYER for files directly in src/. */
const ROOT_LAYER = '(src)';
const ENGINE = ['model', 'prune', 'train', 'io', 'data'];
const UI_SIDE = ['ui', 'store', ROOT_LAYER];

type Scope = { layers: string[] } | { allLayersExcept: string[] };

type ImportMatcher =
  /** A bare package specifier, or any of its subpaths ('react' matches 'react/jsx-runtime'). */
  | { kind: 'package'; names: string[] }
  /** Every package of an npm scope ('@tensorflow' matches '@tensorflow/tfjs-core'). */
  | { kind: 'scope'; scope: string }
  /** A relative or root-absolute specifier that resolves into one of these src/ layers. */
  | { kind: 'layer'; layers: string[] };

interface Rule {
  id: string;
  why: string;
  scope: Scope;
  /** Import specifiers that files in scope must not import. */
  forbidImports?: ImportMatcher[];
  /** `import type ...` / `export type ... from` statements are erased at build time. */
  allowTypeOnlyImports?: boolean;
  /** Follow runtime relative imports and fail if a forbidden import is reached indirectly. */
  transitive?: boolean;
  /** Identifiers that must not be referenced (comments and string contents are ignored). */
  forbidIdentifiers?: string[];
  /** Functions that must not be called, `name(` after any receiver (e.g. `tf.setBackend(`). */
  forbidCalls?: string[];
}

const RULES: Rule[] = [
  {
    id: 'engine-no-ui-libraries',
    why: 'model/prune/train/io/data never import React, zustand or recharts (DESIGN.md 5)',
    scope: { layers: ENGINE },
    forbidImports: [{ kind: 'package', names: ['react', 'react-dom', 'zustand', 'recharts'] }],
  },
  {
    id: 'engine-no-app-layers',
    why: 'model/prune/train/io/data never import src/ui, src/store or src/worker (DESIGN.md 5)',
    scope: { layers: ENGINE },
    forbidImports: [{ kind: 'layer', layers: ['ui', 'store', 'worker'] }],
  },
  {
    id: 'engine-no-dom',
    why: 'model/prune/train/io/data never touch the DOM: no `document` or `window` (DESIGN.md 5)',
    scope: { layers: ENGINE },
    forbidIdentifiers: ['document', 'window'],
  },
  {
    id: 'ui-no-tfjs',
    why: 'ui and store never import tfjs (DESIGN.md 5); the engine runs in the worker',
    scope: { layers: UI_SIDE },
    forbidImports: [{ kind: 'scope', scope: '@tensorflow' }],
    transitive: true,
  },
  {
    id: 'ui-no-engine-modules',
    why: 'ui and store never import src/train at runtime; pure tfjs-free modules of src/model and src/prune (costs, thresholds) are allowed, and ui-no-tfjs checks that nothing they reach imports tfjs',
    scope: { layers: UI_SIDE },
    forbidImports: [{ kind: 'layer', layers: ['train'] }],
    allowTypeOnlyImports: true,
  },
  {
    id: 'backend-choice-in-worker-or-cli',
    why: 'only src/worker and src/cli choose a tfjs backend (DESIGN.md 5)',
    scope: { allLayersExcept: ['worker', 'cli'] },
    forbidCalls: ['setBackend'],
  },
];

// ---------------------------------------------------------------------------------------------
// Lexing: blank out comments and string contents, keeping offsets and newlines
// ---------------------------------------------------------------------------------------------

const REGEX_PRECEDERS = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

/**
 * Returns `source` with every comment and the contents of every string, template and regex
 * literal replaced by spaces (quotes stay, newlines stay), so that regexes over the result only
 * see code. `${...}` inside templates stays code. A quote string that meets a newline is not a
 * string (JSX text such as `Don't`): it is treated as code so one stray quote hides one line at
 * most.
 */
export function maskNonCode(source: string): string {
  const out = source.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  /** Brace depth stack: each entry is the depth at which a template `${` was opened. */
  const templateStack: number[] = [];
  let depth = 0;
  let i = 0;
  const n = source.length;

  const previousSignificant = (): { char: string; word: string } => {
    let j = i - 1;
    while (j >= 0 && /\s/.test(out[j])) j--;
    if (j < 0) return { char: '', word: '' };
    let k = j;
    while (k >= 0 && /[\w$]/.test(out[k])) k--;
    return { char: out[j], word: out.slice(k + 1, j + 1).join('') };
  };

  /** Scans template characters from i (just after ` or }) until ` or ${. */
  const scanTemplate = (): void => {
    const start = i;
    while (i < n) {
      const c = source[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '`') {
        blank(start, i);
        i++;
        return;
      }
      if (c === '$' && source[i + 1] === '{') {
        blank(start, i);
        i += 2;
        templateStack.push(depth);
        depth++;
        return;
      }
      i++;
    }
    blank(start, n);
  };

  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      if (j < n && source[j] === c) {
        blank(i + 1, j);
        i = j + 1;
      } else {
        i++; // not a string literal (JSX text): treat the quote as code
      }
    } else if (c === '`') {
      i++;
      scanTemplate();
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === depth) {
        templateStack.pop();
        scanTemplate();
      }
    } else if (c === '/') {
      const prev = previousSignificant();
      const isRegex =
        prev.char === '' ||
        (REGEX_PRECEDERS.has(prev.char) && prev.word === '') ||
        REGEX_KEYWORDS.has(prev.word);
      if (!isRegex) {
        i++;
        continue;
      }
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n') {
        const d = source[j];
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      if (j < n && source[j] === '/') {
        blank(i + 1, j);
        i = j + 1;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Import extraction and resolution
// ---------------------------------------------------------------------------------------------

export interface ImportRef {
  specifier: string;
  line: number;
  typeOnly: boolean;
  statement: string;
}

const lineAt = (source: string, offset: number): number => {
  let line = 1;
  for (let k = 0; k < offset && k < source.length; k++) if (source[k] === '\n') line++;
  return line;
};

const IMPORT_PATTERNS: Array<{ re: RegExp; typeOnly: (m: RegExpExecArray) => boolean }> = [
  // import x from '...', import { a, type B } from '...', import type X from '...',
  // export * from '...', export { a } from '...', export type { A } from '...'
  {
    re: /(?<![.\w$])(?:import|export)\s+(type\s+(?!from\b))?(?:(?!\b(?:import|export)\b)[^;'"`()])*?\bfrom\s*(['"])/g,
    typeOnly: (m) => m[1] !== undefined,
  },
  // import '...'  (side effects)
  { re: /(?<![.\w$])import\s*(['"])/g, typeOnly: () => false },
  // import('...')  (dynamic; `typeof import('...')` is a type)
  {
    re: /(typeof\s+)?(?<![.\w$])import\s*\(\s*(['"])/g,
    typeOnly: (m) => m[1] !== undefined,
  },
  // require('...')
  { re: /(?<![.\w$])require\s*\(\s*(['"])/g, typeOnly: () => false },
];

export function extractImports(source: string, masked = maskNonCode(source)): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const { re, typeOnly } of IMPORT_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(masked); m !== null; m = re.exec(masked)) {
      const open = m.index + m[0].length - 1; // the opening quote
      const close = masked.indexOf(masked[open], open + 1);
      if (close === -1) continue;
      const specifier = source.slice(open + 1, close);
      const lineStart = source.lastIndexOf('\n', m.index) + 1;
      const lineEnd = source.indexOf('\n', close);
      refs.push({
        specifier,
        line: lineAt(source, m.index),
        typeOnly: typeOnly(m),
        statement: source.slice(lineStart, lineEnd === -1 ? source.length : lineEnd).trim(),
      });
    }
  }
  return refs.sort((a, b) => a.line - b.line);
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** 'src/ui/App.tsx' -> 'ui'; 'src/main.tsx' -> ROOT_LAYER; outside src -> null. */
export function layerOf(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] !== 'src') return null;
  return parts.length === 2 ? ROOT_LAYER : parts[1];
}

/** Repo-relative target path of a relative or root-absolute specifier (no extension probing). */
function targetPath(fromFile: string, specifier: string): string | null {
  const bare = specifier.split('?')[0];
  if (bare.startsWith('./') || bare.startsWith('../') || bare === '.' || bare === '..') {
    return path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), bare));
  }
  if (bare.startsWith('/src/') || bare.startsWith('src/')) return path.posix.normalize(bare.replace(/^\//, ''));
  return null;
}

/** The file a specifier resolves to among `files`, or null (packages, assets, missing files). */
function resolveFile(fromFile: string, specifier: string, files: ReadonlyMap<string, string>): string | null {
  if (specifier.includes('?')) return null; // ?url, ?worker, ?raw: not a module of this bundle
  const target = targetPath(fromFile, specifier);
  if (target === null) return null;
  const stem = target.replace(/\.(?:[mc]?js|jsx)$/, '');
  const candidates = [target, ...SOURCE_EXTENSIONS.map((e) => stem + e), ...SOURCE_EXTENSIONS.map((e) => `${target}/index${e}`)];
  return candidates.find((c) => files.has(c)) ?? null;
}

/**
 * Vite query imports (`x.wasm?url`, `./engine?worker`, `y?raw`) yield a URL, a string or a
 * separately bundled worker, never module code in the importer's bundle.
 */
const isAssetOrWorkerImport = (specifier: string): boolean => /\?(?:url|raw|inline|worker|sharedworker)\b/.test(specifier);

function matches(matcher: ImportMatcher, fromFile: string, specifier: string): boolean {
  if (isAssetOrWorkerImport(specifier)) return false;
  switch (matcher.kind) {
    case 'package':
      return matcher.names.some((name) => specifier === name || specifier.startsWith(`${name}/`));
    case 'scope':
      return specifier.startsWith(`${matcher.scope}/`);
    case 'layer': {
      const target = targetPath(fromFile, specifier);
      if (target === null) return false;
      const layer = layerOf(target);
      return layer !== null && matcher.layers.includes(layer);
    }
  }
}

const inScope = (scope: Scope, layer: string | null): boolean => {
  if (layer === null) return false;
  return 'layers' in scope ? scope.layers.includes(layer) : !scope.allLayersExcept.includes(layer);
};

// ---------------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------------

export interface Violation {
  rule: string;
  file: string;
  line: number;
  detail: string;
}

/** Checks every file of `files` (repo-relative path -> source) against `rules`. */
export function checkBoundaries(files: ReadonlyMap<string, string>, rules: readonly Rule[] = RULES): Violation[] {
  const masked = new Map<string, string>();
  const imports = new Map<string, ImportRef[]>();
  for (const [file, source] of files) {
    const m = maskNonCode(source);
    masked.set(file, m);
    imports.set(file, extractImports(source, m));
  }

  const violations: Violation[] = [];
  for (const rule of rules) {
    for (const [file, source] of files) {
      if (!inScope(rule.scope, layerOf(file))) continue;
      const code = masked.get(file)!;

      for (const matcher of rule.forbidImports ?? []) {
        for (const ref of imports.get(file)!) {
          if (ref.typeOnly && rule.allowTypeOnlyImports) continue;
          if (matches(matcher, file, ref.specifier)) {
            violations.push({ rule: rule.id, file, line: ref.line, detail: `imports '${ref.specifier}': ${ref.statement}` });
          }
        }
        if (rule.transitive) {
          // Depth-first over runtime relative imports; report the first chain to each hit.
          const seen = new Set<string>([file]);
          const stack: Array<{ at: string; chain: string[] }> = [{ at: file, chain: [file] }];
          while (stack.length > 0) {
            const { at, chain } = stack.pop()!;
            for (const ref of imports.get(at)!) {
              if (ref.typeOnly) continue;
              const next = resolveFile(at, ref.specifier, files);
              if (next === null || seen.has(next)) continue;
              seen.add(next);
              const nextChain = [...chain, next];
              for (const deep of imports.get(next)!) {
                if (!deep.typeOnly && matches(matcher, next, deep.specifier)) {
                  violations.push({
                    rule: rule.id,
                    file,
                    line: imports.get(file)!.find((r) => resolveFile(file, r.specifier, files) === nextChain[1])?.line ?? ref.line,
                    detail: `reaches '${deep.specifier}' through ${nextChain.join(' -> ')} (${next}:${deep.line})`,
                  });
                }
              }
              stack.push({ at: next, chain: nextChain });
            }
          }
        }
      }

      for (const name of rule.forbidIdentifiers ?? []) {
        const bare = new RegExp(`(?<![.\\w$])${name}(?![\\w$])|\\b(?:globalThis|self)\\s*\\??\\.\\s*${name}(?![\\w$])`, 'g');
        for (let m = bare.exec(code); m !== null; m = bare.exec(code)) {
          const line = lineAt(source, m.index);
          violations.push({ rule: rule.id, file, line, detail: `references \`${name}\`: ${source.split('\n')[line - 1].trim()}` });
        }
      }

      for (const name of rule.forbidCalls ?? []) {
        const call = new RegExp(`(?<![\\w$])${name}\\s*\\(`, 'g');
        for (let m = call.exec(code); m !== null; m = call.exec(code)) {
          const line = lineAt(source, m.index);
          violations.push({ rule: rule.id, file, line, detail: `calls ${name}(): ${source.split('\n')[line - 1].trim()}` });
        }
      }
    }
  }
  return violations;
}

export function formatViolations(violations: readonly Violation[], rules: readonly Rule[] = RULES): string {
  const why = new Map(rules.map((r) => [r.id, r.why]));
  return violations
    .map((v) => `${v.file}:${v.line}  [${v.rule}] ${v.detail}\n    rule: ${why.get(v.rule) ?? ''}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function readSourceTree(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (SOURCE_EXTENSIONS.some((e) => entry.name.endsWith(e))) files.set(rel, readFileSync(path.join(REPO_ROOT, rel), 'utf8'));
    }
  };
  walk('src');
  return files;
}

describe('DESIGN.md section 5 boundaries', () => {
  it('hold for every file under src/', () => {
    const files = readSourceTree();
    expect(files.size).toBeGreaterThan(0);
    const violations = checkBoundaries(files);
    if (violations.length > 0) {
      console.error(`Layer boundary violations (DESIGN.md section 5):\n${formatViolations(violations)}`);
    }
    expect(violations, `\n${formatViolations(violations)}\n`).toEqual([]);
  });
});

describe('boundary checker on synthetic sources', () => {
  const check = (files: Record<string, string>): Violation[] => checkBoundaries(new Map(Object.entries(files)));
  const summary = (vs: Violation[]): string[] => vs.map((v) => `${v.rule} ${v.file}:${v.line}`).sort();

  it('accepts a tree that keeps to the rules', () => {
    const vs = check({
      'src/model/vit.ts': [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import { helper } from '../prune/helper';",
        '// the window of the attention; document this later',
        "const label = 'window document setBackend(x)';",
        'const re = /window\\/document/g;',
        'const windowSize = 3; const obj = { a: 1 }; obj.window = 2; x.document;',
        'const t = `${label} window ${windowSize}`;',
        'export const y = tf.add(1, 2);',
      ].join('\n'),
      'src/prune/helper.ts': 'export const helper = (a: number, b: number) => a / b / 2;',
      'src/ui/App.tsx': [
        "import { useState } from 'react';",
        "import type { VitConfig } from '../model/vit';",
        "export type { Scores } from '../prune/helper';",
        "import { client } from '../worker/client';",
        'export const App = () => <p>Don\'t prune "everything"</p>;',
        "const later = () => import('./panel');",
      ].join('\n'),
      'src/ui/panel.tsx': "import { LineChart } from 'recharts';\nwindow.addEventListener('x', () => {});",
      'src/worker/client.ts': "import wasmUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/x.wasm?url';\nexport const client = new Worker(new URL('./engine.ts', import.meta.url), { type: 'module' });",
      'src/worker/engine.ts': "import * as tf from '@tensorflow/tfjs-core';\nawait tf.setBackend('wasm');",
      'src/cli/main.ts': "import * as tf from '@tensorflow/tfjs-core';\nawait tf.setBackend('cpu');",
      'src/store/app.ts': "import { create } from 'zustand';\nimport simdUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url';\nimport EngineWorker from '../worker/engine.ts?worker';",
      'src/main.tsx': "import { createRoot } from 'react-dom/client';\nimport { App } from './ui/App';\ndocument.getElementById('root');",
    });
    expect(vs, formatViolations(vs)).toEqual([]);
  });

  it('flags React, zustand and recharts in the engine', () => {
    const vs = check({
      'src/model/a.ts': "import { useState } from 'react';\nimport { create } from 'zustand/vanilla';",
      'src/data/b.ts': "export { LineChart } from 'recharts';",
      'src/io/c.ts': "const dom = await import('react-dom/client');",
    });
    expect(summary(vs)).toEqual([
      'engine-no-ui-libraries src/data/b.ts:1',
      'engine-no-ui-libraries src/io/c.ts:1',
      'engine-no-ui-libraries src/model/a.ts:1',
      'engine-no-ui-libraries src/model/a.ts:2',
    ]);
    expect(vs[0].detail).toContain("imports 'react'");
  });

  it('flags the engine importing ui, store or worker, even type-only', () => {
    const vs = check({
      'src/train/loop.ts': [
        "import { useStore } from '../store/app';",
        "import type { Msg } from '../worker/protocol';",
        "import '/src/ui/theme';",
        "import { ok } from '../model/ok';",
      ].join('\n'),
      'src/model/ok.ts': 'export const ok = 1;',
    });
    expect(summary(vs)).toEqual([
      'engine-no-app-layers src/train/loop.ts:1',
      'engine-no-app-layers src/train/loop.ts:2',
      'engine-no-app-layers src/train/loop.ts:3',
    ]);
  });

  it('flags document and window in the engine', () => {
    const vs = check({
      'src/io/download.ts': [
        "const a = document.createElement('a');",
        "if (typeof window !== 'undefined') {}",
        'const d = globalThis.document;',
        'const { window: w } = x;',
      ].join('\n'),
      'src/ui/ok.ts': 'window.alert(1);',
    });
    expect(summary(vs)).toEqual([
      'engine-no-dom src/io/download.ts:1',
      'engine-no-dom src/io/download.ts:2',
      'engine-no-dom src/io/download.ts:3',
      'engine-no-dom src/io/download.ts:4',
    ]);
  });

  it('flags tfjs and engine modules in ui, store and src/main.tsx', () => {
    const vs = check({
      'src/ui/Chart.tsx': "import * as tf from '@tensorflow/tfjs-core';",
      'src/store/scores.ts': "import { trainScores } from '../train/scores';\nimport { type Cfg } from '../train/cfg';\nimport { costs } from '../prune/costs';",
      'src/main.tsx': "import '@tensorflow/tfjs-backend-webgl';",
      'src/train/scores.ts': 'export const trainScores = () => 1;',
      'src/train/cfg.ts': 'export interface Cfg { a: number }',
      'src/prune/costs.ts': 'export const costs = () => 1;',
    });
    expect(summary(vs)).toEqual([
      'ui-no-engine-modules src/store/scores.ts:1',
      'ui-no-engine-modules src/store/scores.ts:2',
      'ui-no-tfjs src/main.tsx:1',
      'ui-no-tfjs src/ui/Chart.tsx:1',
    ]);
  });

  it('flags ui reaching tfjs through other modules', () => {
    const vs = check({
      'src/ui/Panel.tsx': "import { run } from '../worker/client.js';",
      'src/worker/client.ts': "export { run } from './direct';",
      'src/worker/direct.ts': "import { matMul } from '@tensorflow/tfjs-core';\nexport const run = matMul;",
    });
    expect(summary(vs)).toEqual(['ui-no-tfjs src/ui/Panel.tsx:1']);
    expect(vs[0].detail).toContain('src/ui/Panel.tsx -> src/worker/client.ts -> src/worker/direct.ts');
  });

  it('flags setBackend outside worker and cli', () => {
    const vs = check({
      'src/train/fit.ts': "await tf.setBackend('webgpu');",
      'src/ui/Settings.tsx': 'setBackend ("wasm");',
      'src/worker/backend.ts': "await tf.setBackend('webgl');",
    });
    expect(summary(vs)).toEqual([
      'backend-choice-in-worker-or-cli src/train/fit.ts:1',
      'backend-choice-in-worker-or-cli src/ui/Settings.tsx:1',
    ]);
  });

  it('masks comments, strings and regexes but keeps template expressions', () => {
    const src = "a /* window */ 'window' `x ${window} y`; r = /window/; // window\nb = c / window / 2";
    const masked = maskNonCode(src);
    expect(masked.length).toBe(src.length);
    expect(masked.match(/window/g)).toHaveLength(2);
    expect(extractImports("import type { A } from './a';\nexport * from \"./b\";\nconst t: typeof import('./c') = x;")).toEqual([
      { specifier: './a', line: 1, typeOnly: true, statement: "import type { A } from './a';" },
      { specifier: './b', line: 2, typeOnly: false, statement: 'export * from "./b";' },
      { specifier: './c', line: 3, typeOnly: true, statement: "const t: typeof import('./c') = x;" },
    ]);
  });
});
