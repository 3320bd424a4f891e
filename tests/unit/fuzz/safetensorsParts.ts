/** Taking valid safetensors files apart and putting edited ones together (header length word, JSON, data). */
import { jsonText } from './jsonMutations';

/** Header object and data section of a seed file. */
export function parts(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  return { header, data: bytes.subarray(8 + length) };
}

/** Bytes of a safetensors file: the header length word (+ `lengthDelta`), the header text and the data. */
export function assemble(header: unknown, data: Uint8Array, lengthDelta = 0): Uint8Array {
  const json = new TextEncoder().encode(jsonText(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, json.length + lengthDelta)), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
