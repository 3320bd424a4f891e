/**
 * Hand-built compression bombs: a raw deflate stream of zeros written directly (about 6 KB per
 * MB, built in milliseconds), wrapped as gzip or zip entries whose declared sizes can lie.
 */

/** A raw deflate stream (one fixed-Huffman block): the `prefix` bytes, then `zeros` zero bytes (zeros >= 1). */
export function deflateBomb(prefix: ArrayLike<number>, zeros: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((9 * prefix.length + 13 * Math.ceil(zeros / 258)) / 8) + 64);
  let bit = 0;
  /** Writes `count` bits of `code`, most significant first (Huffman codes), into the LSB-first stream. */
  const huffman = (code: number, count: number) => {
    for (let i = count - 1; i >= 0; i--, bit++) out[bit >> 3] |= ((code >> i) & 1) << (bit & 7);
  };
  const literal = (v: number) => (v < 144 ? huffman(0x30 + v, 8) : huffman(0x190 + v - 144, 9));
  huffman(0b110, 3); // BFINAL = 1, then BTYPE = 01 (fixed codes) low bit first
  for (let i = 0; i < prefix.length; i++) literal(prefix[i]);
  literal(0);
  let left = zeros - 1;
  while (left >= 3) {
    const run = left >= 258 ? 258 : Math.min(left, 10);
    if (run === 258) huffman(0xc5, 8); // length code 285 = 258, no extra bits
    else huffman(run - 2, 7); // length codes 257..264 = 3..10, no extra bits
    huffman(0, 5); // distance code 0 = 1 (repeat the previous byte)
    left -= run;
  }
  for (; left > 0; left--) literal(0);
  huffman(0, 7); // end of block
  return out.subarray(0, Math.ceil(bit / 8));
}

/** A gzip member around a raw deflate stream whose trailer claims `claimedSize` bytes (CRC left 0). */
export function gzipWith(deflate: Uint8Array, claimedSize: number): Uint8Array {
  const out = new Uint8Array(10 + deflate.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  out.set(deflate, 10);
  new DataView(out.buffer).setUint32(out.length - 4, claimedSize >>> 0, true);
  return out;
}

/** One zip entry: its name, stored bytes or a deflate stream, and the size its headers declare. */
export interface ZipEntrySpec { name: string; data: Uint8Array; method: 0 | 8; declaredSize: number }

/** A zip archive of the given entries (local headers, central directory, end record; CRCs left 0). */
export function zipWith(entries: ZipEntrySpec[]): Uint8Array {
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.name));
  const localSize = entries.reduce((s, e, i) => s + 30 + names[i].length + e.data.length, 0);
  const centralSize = names.reduce((s, n) => s + 46 + n.length, 0);
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  entries.forEach((e, i) => {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, 20, true);
    view.setUint16(at + 8, e.method, true);
    view.setUint32(at + 18, e.data.length, true);
    view.setUint32(at + 22, e.declaredSize, true);
    view.setUint16(at + 26, names[i].length, true);
    out.set(names[i], at + 30);
    out.set(e.data, at + 30 + names[i].length);
    at += 30 + names[i].length + e.data.length;
  });
  entries.forEach((e, i) => {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, 20, true);
    view.setUint16(at + 6, 20, true);
    view.setUint16(at + 10, e.method, true);
    view.setUint32(at + 20, e.data.length, true);
    view.setUint32(at + 24, e.declaredSize, true);
    view.setUint16(at + 28, names[i].length, true);
    view.setUint32(at + 42, offsets[i], true);
    out.set(names[i], at + 46);
    at += 46 + names[i].length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, centralSize, true);
  view.setUint32(at + 16, localSize, true);
  return out;
}
