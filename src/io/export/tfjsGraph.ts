/**
 * A small builder for a TensorFlow.js graph model: a TF GraphDef in JSON (as tfjs-converter writes
 * it: nodes with op, input and attr; strings base64) whose Const nodes are all backed by the weight
 * manifest, and the single weight shard that holds their bytes (float32 / int32, little-endian).
 */

/** One weight entry of the manifest. */
export interface TfjsWeightSpec { name: string; shape: number[]; dtype: 'float32' | 'int32' }

/** A GraphDef node as JSON. */
export interface TfjsNode { name: string; op: string; input?: string[]; attr?: Record<string, unknown>; device?: string }

/** An attribute value of a node (TF AttrValue JSON). */
export type TfjsAttr =
  | { b: boolean } | { i: string } | { f: number } | { s: string } | { type: string }
  | { list: { i?: string[]; s?: string[] } } | { shape: { dim: { size: string }[] } };

/** base64 of an ASCII string, as GraphDef JSON stores strings. */
function base64(text: string): string {
  let bin = '';
  for (const c of new TextEncoder().encode(text)) bin += String.fromCharCode(c);
  return btoa(bin);
}

/** Attribute helpers. */
export const attr = {
  bool: (b: boolean): TfjsAttr => ({ b }),
  int: (i: number): TfjsAttr => ({ i: String(i) }),
  float: (f: number): TfjsAttr => ({ f }),
  string: (s: string): TfjsAttr => ({ s: base64(s) }),
  ints: (v: number[]): TfjsAttr => ({ list: { i: v.map(String) } }),
  strings: (v: string[]): TfjsAttr => ({ list: { s: v.map(base64) } }),
  dtype: (dtype: 'float32' | 'int32'): TfjsAttr => ({ type: dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32' }),
  shape: (dims: number[]): TfjsAttr => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
};

const FLOAT = attr.dtype('float32');

/** Collects nodes and weights of one graph model. */
export class TfjsGraph {
  readonly nodes: TfjsNode[] = [];
  readonly weights: TfjsWeightSpec[] = [];
  private readonly chunks: Uint8Array[] = [];
  private readonly names = new Set<string>();
  private readonly intCache = new Map<string, string>();
  private counter = 0;

  /** A float32 Const (manifest-backed); returns its name. */
  float(name: string, shape: number[], data: Float32Array): string {
    const bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
    return this.constant(name, shape, 'float32', bytes);
  }

  /** A float32 scalar Const; returns its name. */
  scalar(name: string, value: number): string {
    return this.float(name, [], Float32Array.of(value));
  }

  /** An int32 Const of shape [n] (or [] when `scalar`), shared by value unless named; returns its name. */
  int32(values: readonly number[], scalar = false, name?: string): string {
    const key = `${scalar ? 's' : 'v'}:${values.join(',')}`;
    const cached = name === undefined ? this.intCache.get(key) : undefined;
    if (cached) return cached;
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setInt32(4 * i, v, true));
    const finalName = this.constant(name ?? `const/i32_${this.intCache.size}`, scalar ? [] : [values.length], 'int32', bytes);
    if (name === undefined) this.intCache.set(key, finalName);
    return finalName;
  }

  /** A float32 Placeholder with dims (-1 = dynamic); returns its name. */
  placeholder(name: string, shape: number[]): string {
    this.claim(name);
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: FLOAT, shape: attr.shape(shape) } });
    return name;
  }

  /** Adds an op node (float32 "T" attr added unless given); returns its name (made unique). */
  node(op: string, inputs: string[], name: string, attrs: Record<string, TfjsAttr> = {}): string {
    const nodeName = this.unique(name);
    this.nodes.push({ name: nodeName, op, input: inputs, attr: { T: FLOAT, ...attrs } });
    return nodeName;
  }

  /** The weight shard: every Const's bytes in manifest order. */
  shard(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  private constant(name: string, shape: number[], dtype: 'float32' | 'int32', bytes: Uint8Array): string {
    this.claim(name);
    const tfType = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    const tensorShape = { dim: shape.map((d) => ({ size: String(d) })) };
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: tfType }, value: { tensor: { dtype: tfType, tensorShape } } } });
    this.weights.push({ name, shape, dtype });
    this.chunks.push(bytes);
    return name;
  }

  private unique(name: string): string {
    let candidate = name;
    while (this.names.has(candidate)) candidate = `${name}_${++this.counter}`;
    this.names.add(candidate);
    return candidate;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`internal error: duplicate TF.js node name ${name}`);
    this.names.add(name);
  }
}
