/**
 * fast-check arbitraries that corrupt valid JSON documents (config.json, safetensors headers): a value
 * at a random path is replaced by a hostile one (wrong type, negative / huge / fractional / overflowing
 * number, deeply nested or enormous value), deleted or wrapped; serialised with jsonText.
 */
import fc from 'fast-check';

/** A JSON text fragment written verbatim (JSON.stringify itself cannot write 100,000 nested arrays). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold RawJson fragments. */
export function jsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `\u0000raw${raws.push(v.text) - 1}\u0000` : v));
  return (text ?? 'null').replace(/"\\u0000raw(\d+)\\u0000"/g, (_, i: string) => raws[Number(i)]);
}

const nestedArrays = (depth: number) => new RawJson('['.repeat(depth) + ']'.repeat(depth));
const nestedObjects = (depth: number) => new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

/** Deeply nested arrays and objects, up to 100,000 levels (deeper than any recursive walker survives). */
export const DEEP_VALUES = [nestedArrays(64), nestedArrays(5_000), nestedArrays(100_000), nestedObjects(10_000)];

/** Enormous values (about 100-250 KB of text each; the parsers' size caps are tested separately, with bigger files). */
export const ENORMOUS_VALUES = [
  new RawJson(`[${'7,'.repeat(50_000)}7]`),
  new RawJson(`[${'[1,2],'.repeat(15_000)}[1]]`),
  'x'.repeat(250_000),
  new RawJson(`{${Array.from({ length: 5_000 }, (_, i) => `"${i}":"label ${i}"`).join(',')}}`),
];

/** Numbers a dimension, count or offset field must survive. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1.5, 3.0000001, 1e-300, 1e300, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53),
    1e8, 65_536, 20_000, 7, 1, 2, 3, 4, 8, 16),
  fc.constantFrom(new RawJson('1e400'), new RawJson('-1e400'), new RawJson('1e-400'), new RawJson('123456789012345678901234567890')),
  fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any hostile JSON value: numbers, other types, small random JSON, deep or enormous values. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileNumber },
  { weight: 3, arbitrary: fc.constantFrom(null, true, false, '', '16', 'gelu', 'vit', [], {}, [1], [0, 0], [1, 2, 3], [-1, 2]) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.array(hostileNumber, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(...DEEP_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom(...ENORMOUS_VALUES) },
);

type Path = (string | number)[];

/** Every path to a value inside `value` (objects and arrays; arrays longer than 8 only at their ends). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    const picks = value.length <= 8 ? value.keys() : [0, 1, value.length - 1].values();
    for (const i of picks) out.push(...pathsOf(value[i], [...prefix, i]));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

type Edit = (root: unknown) => unknown;

/** Applies `change` to the value at `path` (returns the new root); a path that no longer exists is skipped. */
function editAt(root: unknown, path: Path, change: (old: unknown) => unknown, remove = false): unknown {
  if (path.length === 0) return remove ? {} : change(root);
  let parent = root;
  for (const key of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null || parent instanceof RawJson) return root;
    parent = (parent as Record<string | number, unknown>)[key];
  }
  if (typeof parent !== 'object' || parent === null || parent instanceof RawJson) return root;
  const holder = parent as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (remove && !Array.isArray(holder)) delete holder[key];
  else holder[key] = change(holder[key]);
  return root;
}

/** One edit at one of `paths`: replace by a hostile value, delete, wrap in an array or an object. */
function edit(paths: Path[]): fc.Arbitrary<Edit> {
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(path, hostileValue).map(([p, v]): Edit => (root) => editAt(root, p, () => v)) },
    { weight: 2, arbitrary: path.map((p): Edit => (root) => editAt(root, p, () => undefined, true)) },
    { weight: 1, arbitrary: path.map((p): Edit => (root) => editAt(root, p, (old) => [old])) },
    { weight: 1, arbitrary: path.map((p): Edit => (root) => editAt(root, p, (old) => ({ value: old }))) },
  );
}

/**
 * 1..maxEdits edits of one of `seeds`; `extraPaths` adds paths the seeds lack (optional fields),
 * so that absent keys get hostile values too.
 */
export function mutatedJson(seeds: readonly unknown[], extraPaths: Path[] = [], maxEdits = 3): fc.Arbitrary<unknown> {
  return fc.constantFrom(...seeds).chain((seed) => {
    const paths = [...pathsOf(seed), ...extraPaths];
    return fc.array(edit(paths), { minLength: 1, maxLength: maxEdits })
      .map((edits) => edits.reduce((root, step) => step(root), structuredClone(seed)));
  });
}
