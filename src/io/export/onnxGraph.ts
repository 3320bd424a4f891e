/**
 * A small builder for an ONNX graph: float32/int64 initializers stored as raw little-endian bytes,
 * nodes with typed attributes, unique output names. Produces the GraphProto part of ModelMessage.
 */
import {
  ATTR, ONNX_FLOAT, ONNX_INT64,
  type AttributeMessage, type ModelMessage, type NodeMessage, type TensorMessage, type ValueInfoMessage,
} from './onnxProto';

/** An attribute value: an int, a float, an int list or a string. */
export type AttrValue = { int: number } | { float: number } | { ints: number[] } | { string: string };

/** Attributes of one node, by name. */
export type Attrs = Record<string, AttrValue>;

function attribute(name: string, value: AttrValue): AttributeMessage {
  if ('int' in value) return { name, type: ATTR.INT, i: value.int };
  if ('float' in value) return { name, type: ATTR.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: ATTR.INTS, ints: value.ints };
  return { name, type: ATTR.STRING, s: new TextEncoder().encode(value.string) };
}

/** Little-endian bytes of float32 values. */
function floatBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}

/** Little-endian bytes of int64 values (given as safe integers). */
function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return out;
}

/** Collects the nodes and initializers of one ONNX graph. */
export class OnnxGraph {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  private readonly names = new Set<string>();
  private readonly int64Cache = new Map<string, string>();
  private counter = 0;

  /** A float32 initializer with the given dims; returns its name. */
  float(name: string, dims: number[], data: Float32Array, doc?: string): string {
    this.claim(name);
    this.initializers.push({ name, dims, data_type: ONNX_FLOAT, raw_data: floatBytes(data), ...(doc ? { doc_string: doc } : {}) });
    return name;
  }

  /** A float32 scalar initializer (shape []); returns its name. */
  scalar(name: string, value: number): string {
    return this.float(name, [], Float32Array.of(value));
  }

  /** An int64 initializer of shape [values.length] (or [] when `scalar`), shared by value; returns its name. */
  int64(values: readonly number[], scalar = false, name?: string): string {
    const key = `${scalar ? 's' : 'v'}:${values.join(',')}`;
    const cached = name === undefined ? this.int64Cache.get(key) : undefined;
    if (cached) return cached;
    const finalName = name ?? `const.i64.${this.int64Cache.size}`;
    this.claim(finalName);
    this.initializers.push({ name: finalName, dims: scalar ? [] : [values.length], data_type: ONNX_INT64, raw_data: int64Bytes(values) });
    if (name === undefined) this.int64Cache.set(key, finalName);
    return finalName;
  }

  /** Adds a node; returns its output names (`outputs` of them, named `${name}` or `${name}:j`). */
  nodeN(op: string, inputs: string[], name: string, outputs: number, attrs: Attrs = {}): string[] {
    const nodeName = this.unique(name);
    const outs = outputs === 1 ? [nodeName] : Array.from({ length: outputs }, (_, j) => `${nodeName}:${j}`);
    if (outputs > 1) outs.forEach((o) => this.claim(o));
    this.nodes.push({
      input: inputs, output: outs, name: nodeName, op_type: op,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Adds a one-output node; returns the output name (= the node name, made unique). */
  node(op: string, inputs: string[], name: string, attrs: Attrs = {}): string {
    return this.nodeN(op, inputs, name, 1, attrs)[0];
  }

  /** The GraphProto part of a model. */
  toGraph(name: string, input: ValueInfoMessage[], output: ValueInfoMessage[]): ModelMessage['graph'] {
    return { name, node: this.nodes, initializer: this.initializers, input, output };
  }

  private unique(name: string): string {
    if (!this.names.has(name)) { this.names.add(name); return name; }
    let candidate: string;
    do candidate = `${name}_${++this.counter}`; while (this.names.has(candidate));
    this.names.add(candidate);
    return candidate;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`internal error: duplicate ONNX tensor name ${name}`);
    this.names.add(name);
  }
}

/** A float tensor graph input/output with dims given as numbers (fixed) or strings (dynamic, named). */
export function floatValueInfo(name: string, dims: (number | string)[], doc?: string): ValueInfoMessage {
  return {
    name,
    ...(doc ? { doc_string: doc } : {}),
    type: {
      tensor_type: {
        elem_type: ONNX_FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}
