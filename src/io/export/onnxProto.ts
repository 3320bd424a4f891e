/**
 * The part of the ONNX protobuf schema (onnx/onnx.proto, IR version 8, proto2) that the exporter
 * writes, as a protobufjs JSON descriptor: field names and numbers as in onnx.proto, repeated
 * scalars packed exactly where onnx.proto says [packed = true]. Encoding and decoding are done by
 * protobufjs; nothing is hand-encoded.
 */
import protobuf from 'protobufjs/light';

const repeated = (type: string, id: number, packed?: boolean) =>
  ({ rule: 'repeated', type, id, ...(packed === undefined ? {} : { options: { packed } }) });
const field = (type: string, id: number) => ({ type, id });

/** protobufjs JSON descriptor of the onnx.proto messages used here (package "onnx"). */
const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: field('string', 1), ref_attr_name: field('string', 21), doc_string: field('string', 13),
            type: field('int32', 20), f: field('float', 2), i: field('int64', 3), s: field('bytes', 4),
            t: field('TensorProto', 5), floats: repeated('float', 7, false), ints: repeated('int64', 8, false),
            strings: repeated('bytes', 9),
          },
        },
        ValueInfoProto: { fields: { name: field('string', 1), type: field('TypeProto', 2), doc_string: field('string', 3) } },
        NodeProto: {
          fields: {
            input: repeated('string', 1), output: repeated('string', 2), name: field('string', 3),
            op_type: field('string', 4), domain: field('string', 7), attribute: repeated('AttributeProto', 5),
            doc_string: field('string', 6),
          },
        },
        ModelProto: {
          fields: {
            ir_version: field('int64', 1), opset_import: repeated('OperatorSetIdProto', 8),
            producer_name: field('string', 2), producer_version: field('string', 3), domain: field('string', 4),
            model_version: field('int64', 5), doc_string: field('string', 6), graph: field('GraphProto', 7),
            metadata_props: repeated('StringStringEntryProto', 14),
          },
        },
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1), name: field('string', 2), initializer: repeated('TensorProto', 5),
            doc_string: field('string', 10), input: repeated('ValueInfoProto', 11), output: repeated('ValueInfoProto', 12),
            value_info: repeated('ValueInfoProto', 13),
          },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1, false), data_type: field('int32', 2), float_data: repeated('float', 4, true),
            int32_data: repeated('int32', 5, true), int64_data: repeated('int64', 7, true), name: field('string', 8),
            doc_string: field('string', 12), raw_data: field('bytes', 9),
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: { dim_value: field('int64', 1), dim_param: field('string', 2), denotation: field('string', 3) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: { tensor_type: field('Tensor', 1), denotation: field('string', 6) },
          nested: { Tensor: { fields: { elem_type: field('int32', 1), shape: field('TensorShapeProto', 2) } } },
        },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
      },
    },
  },
};

/** TensorProto.DataType values used by the exporter. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** AttributeProto.AttributeType values used by the exporter. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** A tensor initializer: dims, element type and little-endian raw bytes. */
export interface TensorMessage { name: string; dims: number[]; data_type: number; raw_data: Uint8Array; doc_string?: string }

/** One node attribute (exactly one value field set, matching `type`). */
export interface AttributeMessage { name: string; type: number; f?: number; i?: number; s?: Uint8Array; floats?: number[]; ints?: number[] }

/** One graph node. */
export interface NodeMessage { input: string[]; output: string[]; name: string; op_type: string; attribute: AttributeMessage[] }

/** A graph input/output: float tensor with named (dynamic) or fixed dims. */
export interface ValueInfoMessage {
  name: string;
  doc_string?: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

/** A whole ONNX model as plain objects (field names as in onnx.proto). */
export interface ModelMessage {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  doc_string: string;
  model_version: number;
  graph: {
    name: string;
    node: NodeMessage[];
    initializer: TensorMessage[];
    input: ValueInfoMessage[];
    output: ValueInfoMessage[];
    doc_string?: string;
  };
  metadata_props: { key: string; value: string }[];
}

/** The descriptor with every message marked proto2 (explicit presence: a 0 or "" that is set is written). */
function proto2Descriptor(): protobuf.INamespace {
  type Types = Record<string, Record<string, unknown>>;
  const mark = (types: Types): Types => Object.fromEntries(Object.entries(types).map(([name, t]) =>
    [name, { ...t, edition: 'proto2', ...(t.nested ? { nested: mark(t.nested as Types) } : {}) }]));
  return { nested: { onnx: { nested: mark(ONNX_DESCRIPTOR.nested.onnx.nested as Types) } } } as protobuf.INamespace;
}

let modelType: protobuf.Type | null = null;

/** The onnx.ModelProto message type (built once from the descriptor). */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(proto2Descriptor()).lookupType('onnx.ModelProto');
  return modelType;
}

/** Serialises a model to ONNX protobuf bytes (the content of a .onnx file). */
export function encodeOnnxModel(model: ModelMessage): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem) throw new Error(`internal error: invalid ONNX model message: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** Parses .onnx bytes back to plain objects (int64 as numbers, bytes as Uint8Array); for tests and tools. */
export function decodeOnnxModel(bytes: Uint8Array): ModelMessage {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true }) as unknown as ModelMessage;
}
