/**
 * Class names as they are compared: a file system cannot hold `/` in a folder name, so `T-shirt/top`
 * arrives as `T-shirt_top` or `T-shirt top`; ImageNet-style names list synonyms (`tench, Tinca tinca`).
 */

/** The comparable form of a class name: Unicode-normalised, lower case, every character that is not a letter or digit removed. */
export function classNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The synonyms of a class name (split on commas, trimmed, empty ones dropped); a name without commas is its own one synonym. */
export function classNameSynonyms(name: string): string[] {
  return name.split(',').map((s) => s.trim()).filter((s) => classNameKey(s) !== '');
}

/**
 * Keys of a name by priority tier: [0] the whole name, [1] its first synonym, [2] every synonym.
 * A match in an earlier tier wins over a later one.
 */
export function classNameTiers(name: string): string[][] {
  const synonyms = classNameSynonyms(name).map(classNameKey);
  return [[classNameKey(name)], synonyms.slice(0, 1), synonyms];
}
