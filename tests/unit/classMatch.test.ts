import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import './helpers/fastCheckSeed';
import { classNameKey, classNameSynonyms } from '../../src/data/classNameKey';
import { classMapGiven } from '../../src/data/classMapFile';
import { matchClasses, mappingComplete, modelClassNames, UNMATCHED } from '../../src/data/classMatch';
import { relabelDataset } from '../../src/data/relabelDataset';
import { FASHION_MNIST_CLASSES } from '../../src/data/idxDataset';
import type { ImageDataset } from '../../src/data/imageDataset';

/** ImageNet-style names (synonym lists), as timm's label_names and HF id2label give them. */
const IMAGENET = [
  'tench, Tinca tinca', 'goldfish, Carassius auratus',
  'great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias', 'tiger shark, Galeocerdo cuvieri',
  'hammerhead, hammerhead shark', 'electric ray, crampfish, numbfish, torpedo', 'stingray', 'cock', 'hen', 'ostrich, Struthio camelus',
];

describe('class name keys', () => {
  it('ignore case, whitespace and punctuation', () => {
    expect(classNameKey('T-shirt_top')).toBe(classNameKey('T-shirt/top'));
    expect(classNameKey('ankle boot')).toBe(classNameKey('Ankle_boot'));
    expect(classNameKey("  Men's  Shoes. ")).toBe(classNameKey('mens-shoes'));
    expect(classNameKey('T-shirt top')).toBe('tshirttop');
    expect(classNameKey('Trouser')).not.toBe(classNameKey('Trousers'));
  });

  it('split synonym lists on commas', () => {
    expect(classNameSynonyms('tench, Tinca tinca')).toEqual(['tench', 'Tinca tinca']);
    expect(classNameSynonyms('stingray')).toEqual(['stingray']);
    expect(classNameSynonyms(' , ,x')).toEqual(['x']);
  });
});

describe('matchClasses', () => {
  it('matches names a file system allows onto Fashion-MNIST names', () => {
    const folders = ['Ankle_boot', 'Bag', 'Coat', 'Dress', 'Pullover', 'Sandal', 'Shirt', 'Sneaker', 'T-shirt_top', 'Trouser'];
    const m = matchClasses(folders, FASHION_MNIST_CLASSES);
    expect(m.unmatched).toEqual([]);
    expect(m.mapping.map((i) => FASHION_MNIST_CLASSES[i])).toEqual(
      ['Ankle boot', 'Bag', 'Coat', 'Dress', 'Pullover', 'Sandal', 'Shirt', 'Sneaker', 'T-shirt/top', 'Trouser']);
    expect(m.how.every((h) => h === 'name')).toBe(true);
  });

  it('matches any synonym of an ImageNet-style name, and a folder named with the whole list', () => {
    const m = matchClasses(['Tinca tinca', 'white shark', 'hammerhead_shark', 'goldfish, Carassius auratus', 'numbfish'], IMAGENET);
    expect(m.mapping).toEqual([0, 2, 4, 1, 5]);
  });

  it('reports unknown names instead of pairing them by position', () => {
    const m = matchClasses(['cat', 'dog', 'Bag'], FASHION_MNIST_CLASSES);
    expect(m.unmatched).toEqual(['cat', 'dog']);
    expect(m.mapping).toEqual([UNMATCHED, UNMATCHED, 8]);
    expect(mappingComplete(m.mapping, 10)).toBe(false);
  });

  it('reports a name that fits two model classes as ambiguous, and prefers a whole-name match', () => {
    const model = ['crane', 'crane, construction crane', 'boot', 'Ankle boot, boot'];
    const m = matchClasses(['construction crane', 'Crane', 'boot'], model);
    expect(m.mapping).toEqual([1, 0, 2]); // 'crane' equals model 0's whole name; model 1 only lists it as a synonym
    const twice = matchClasses(['maillot'], ['maillot', 'maillot, tank suit']);
    expect(twice.mapping).toEqual([0]);
    const amb = matchClasses(['ray'], ['ray, fish', 'ray, beam']);
    expect(amb.unmatched).toEqual(['ray']);
    expect(amb.ambiguous).toEqual([{ name: 'ray', candidates: ['ray, fish', 'ray, beam'] }]);
  });

  it('pairs by position only when asked, and applies given choices first', () => {
    expect(matchClasses(['cat', 'dog'], FASHION_MNIST_CLASSES, { rule: 'position' }).mapping).toEqual([0, 1]);
    expect(matchClasses(['a', 'b', 'c'], ['x', 'y'], { rule: 'position' }).unmatched).toEqual(['c']);
    expect(matchClasses(['cat', 'Bag'], FASHION_MNIST_CLASSES, { given: [3, UNMATCHED] }).mapping).toEqual([3, 8]);
  });

  it('skips matching for a new head or label-free training', () => {
    for (const labelMode of ['new-head', 'label-free'] as const) {
      const m = matchClasses(['cat', 'dog'], FASHION_MNIST_CLASSES, { labelMode });
      expect(m).toMatchObject({ labelMode, unmatched: [], ambiguous: [], mapping: [UNMATCHED, UNMATCHED] });
    }
  });

  it('falls back to "0".."n-1" for a model without names', () => {
    expect(modelClassNames(null, 3)).toEqual(['0', '1', '2']);
    expect(matchClasses(['2', '0'], modelClassNames(null, 3)).mapping).toEqual([2, 0]);
  });

  /** A name as a file system and a person might write it: `/` -> `_`, case flipped at random, spaces <-> underscores. */
  const mangled = (name: string) => fc.tuple(fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }), fc.boolean())
    .map(([flips, underscores]) => [...name.replace(/\//g, '_')]
      .map((ch, i) => (flips[i] ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch))
      .map((ch) => (underscores && ch === ' ' ? '_' : ch)).join(''));

  for (const [what, model] of [['Fashion-MNIST', FASHION_MNIST_CLASSES], ['ImageNet-style', IMAGENET]] as const) {
    it(`maps any permutation of correctly named (or mangled) ${what} folders back exactly`, () => {
      const names = [...model];
      const folders = fc.shuffledSubarray(names.map((_, i) => i), { minLength: 1 }).chain((order) =>
        fc.tuple(fc.constant(order), fc.tuple(...order.map((i) => fc.oneof(
          fc.constant(names[i]),
          mangled(names[i]),
          fc.constantFrom(...classNameSynonyms(names[i])).chain(mangled),
        )))));
      fc.assert(fc.property(folders, ([order, dataset]) => {
        const m = matchClasses(dataset, names);
        expect(m.mapping).toEqual(order);
        expect(m.unmatched).toEqual([]);
      }), { numRuns: 200 });
    });
  }
});

describe('relabelDataset', () => {
  const ds: ImageDataset = { pixels: new Uint8Array(3), labels: Int32Array.from([0, 1, 1]), classNames: ['bag', 'coat'], shape: [1, 1, 1], skipped: [] };

  it('moves labels onto the model classes and shares the pixels', () => {
    const out = relabelDataset(ds, [2, 1], ['T', 'Coat', 'Bag']);
    expect(Array.from(out.labels)).toEqual([2, 1, 1]);
    expect(out.classNames).toEqual(['T', 'Coat', 'Bag']);
    expect(out.pixels).toBe(ds.pixels);
  });

  it('refuses an unmapped class with its name', () => {
    expect(() => relabelDataset(ds, [2, UNMATCHED], ['T', 'Coat', 'Bag'])).toThrow(/'coat' is not mapped/);
  });
});

describe('classMapGiven', () => {
  const data = ['cat', 'dog', 'T-shirt_top'];
  it('reads {"dataset class": "model class"} with names matched as elsewhere', () => {
    expect(classMapGiven('{"cat": "Bag", "dog": "ankle_boot"}', 'm.json', data, FASHION_MNIST_CLASSES)).toEqual([8, 9, UNMATCHED]);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{cat: Bag}', /m\.json is not valid JSON/],
    ['an array', '["Bag"]', /must hold one JSON object/],
    ['a number value', '{"cat": 3}', /values of "cat" must be model class names/],
    ['an unknown dataset class', '{"cow": "Bag"}', /dataset classes the dataset does not have: "cow"/],
    ['an unknown model class', '{"cat": "Tiger"}', /model classes the model does not have .*"Tiger"/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => classMapGiven(text, 'm.json', data, FASHION_MNIST_CLASSES)).toThrow(message);
    });
  }
});
