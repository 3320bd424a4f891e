/** Value of one IEEE 754 binary16 (F16) bit pattern, 0..0xffff, as a JS number. */
export function f16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

let f16Table: Float32Array | undefined;

/** Lookup table of all 65536 F16 bit patterns as float32 (256 KiB, built on first use). */
function f16Lookup(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits++) f16Table[bits] = f16BitsToNumber(bits);
  }
  return f16Table;
}

/** Throws unless `count` 2-byte values starting at byte `offset` lie inside `bytes`. */
function checkSpan(bytes: Uint8Array, offset: number, count: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset < 0 || count < 0 ||
      offset + 2 * count > bytes.length) {
    throw new RangeError(`${count} 16-bit values at byte ${offset} do not fit in ${bytes.length} bytes`);
  }
}

/** Decodes `count` little-endian F16 values starting at byte `offset` (any alignment) to float32. */
export function decodeF16(bytes: Uint8Array, offset: number, count: number): Float32Array {
  checkSpan(bytes, offset, count);
  const table = f16Lookup();
  const out = new Float32Array(count);
  for (let i = 0, at = offset; i < count; i++, at += 2) {
    out[i] = table[bytes[at] | (bytes[at + 1] << 8)];
  }
  return out;
}

/** Decodes `count` little-endian BF16 values starting at byte `offset` (any alignment) to float32. */
export function decodeBF16(bytes: Uint8Array, offset: number, count: number): Float32Array {
  checkSpan(bytes, offset, count);
  // BF16 is the top half of a float32: shift into a u32 and reinterpret (same host byte order for both views).
  const bits = new Uint32Array(count);
  for (let i = 0, at = offset; i < count; i++, at += 2) {
    bits[i] = ((bytes[at] | (bytes[at + 1] << 8)) << 16) >>> 0;
  }
  return new Float32Array(bits.buffer);
}
