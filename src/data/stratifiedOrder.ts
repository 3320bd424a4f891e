/**
 * A seeded, class-interleaved order of a dataset's images: every prefix holds each class in proportion
 * to its share of the whole (within two images per class), and which images of a class come first is
 * random. Figures measured on "the first n images" of this order are stratified samples, whatever order
 * the files came in (uploaded folders are sorted by path, hence by class).
 */
import { seededRandom } from '../model/vitInit';

/** Seed of the order every accuracy figure uses (same images for the same dataset, run after run). */
export const FIGURE_SEED = 0;

const cache = new WeakMap<ArrayLike<number>, Int32Array>();

/** Fisher-Yates shuffle in place with the given random source. */
function shuffle(values: number[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/** The indices of each class of `labels`, classes ascending, each list shuffled with `random` (in class order). */
export function shuffledClasses(labels: ArrayLike<number>, random: () => number): [number, number[]][] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((cls) => {
    const list = byClass.get(cls)!;
    shuffle(list, random);
    return [cls, list];
  });
}

/**
 * Indices 0..N-1 of `labels` (length N) in a seeded stratified order: class c's k-th image (after a seeded
 * shuffle within the class) gets the key (k + u_c) / n_c with a seeded offset u_c in [0, 1); sorted by key.
 */
export function stratifiedOrder(labels: ArrayLike<number>, seed = FIGURE_SEED): Int32Array {
  if (seed === FIGURE_SEED && cache.has(labels)) return cache.get(labels)!;
  const random = seededRandom(seed);
  const keyed: { key: number; cls: number; index: number }[] = [];
  for (const [cls, list] of shuffledClasses(labels, random)) {
    const offset = random();
    list.forEach((index, k) => keyed.push({ key: (k + offset) / list.length, cls, index }));
  }
  keyed.sort((a, b) => a.key - b.key || a.cls - b.cls);
  const order = Int32Array.from(keyed, (e) => e.index);
  if (seed === FIGURE_SEED) cache.set(labels, order);
  return order;
}
