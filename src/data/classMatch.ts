/**
 * Matching a dataset's classes to a model's classes by name, never by guessing: every dataset class ends
 * matched to one model class or reported unmatched (ambiguous names included). Pure; used by the CLI,
 * the worker and the store.
 */
import { classNameKey, classNameSynonyms } from './classNameKey';

/** How a dataset's labels are used: matched to the model's classes, a new head for them, or none (distillation). */
export type LabelMode = 'labels' | 'new-head' | 'label-free';

/** Every label mode, in the order the UI lists them. */
export const LABEL_MODES: readonly LabelMode[] = ['labels', 'new-head', 'label-free'];

/** Mapping value of a dataset class that has no model class. */
export const UNMATCHED = -1;

/** How one dataset class was matched: by name, by an explicit map/choice, by position, or not at all. */
export type MatchHow = 'name' | 'given' | 'position' | null;

/** The result of matching: per dataset class, the model class index (or UNMATCHED) and how. */
export interface ClassMatch {
  labelMode: LabelMode;
  /** Model class index per dataset class, [datasetClasses]; UNMATCHED where none. */
  mapping: number[];
  how: MatchHow[];
  /** Dataset classes left unmatched (ambiguous ones included), in dataset order. */
  unmatched: string[];
  /** Dataset classes whose name fits several model classes, with those model classes' names. */
  ambiguous: { name: string; candidates: string[] }[];
}

/** Options of matchClasses. */
export interface ClassMatchOptions {
  /** 'labels' matches; 'new-head' and 'label-free' skip matching (every class stays UNMATCHED, nothing is reported). */
  labelMode: LabelMode;
  /** 'name' (default) or 'position' (dataset class i -> model class i: the explicit opt-in to the old behaviour). */
  rule: 'name' | 'position';
  /** Model class per dataset class chosen by the user (UNMATCHED = not given), applied before names; null for none. */
  given: number[] | null;
}

/** Defaults: match labels by name, nothing given. */
export const CLASS_MATCH_DEFAULTS: ClassMatchOptions = { labelMode: 'labels', rule: 'name', given: null };

/** The model's class names, or "0".."n-1" when the checkpoint names none. */
export function modelClassNames(names: string[] | null, numClasses: number): string[] {
  return names && names.length === numClasses ? names : Array.from({ length: numClasses }, (_, i) => String(i));
}

/** Model class indices by key, in the tiers tried in turn: whole name, first synonym, any synonym. */
export type ModelClassIndex = Map<string, number[]>[];

/** Builds the lookup tiers of a model's class names. */
export function modelClassIndex(modelNames: string[]): ModelClassIndex {
  const tiers: ModelClassIndex = [new Map(), new Map(), new Map()];
  const add = (tier: number, key: string, i: number) => {
    const list = tiers[tier].get(key) ?? [];
    if (!list.includes(i)) list.push(i);
    tiers[tier].set(key, list);
  };
  modelNames.forEach((name, i) => {
    const synonyms = classNameSynonyms(name).map(classNameKey);
    add(0, classNameKey(name), i);
    if (synonyms.length > 0) add(1, synonyms[0], i);
    for (const s of synonyms) add(2, s, i);
  });
  return tiers;
}

/**
 * Model classes a dataset class name fits, from the first tier that has any: the whole name against whole
 * names, then against first synonyms, then against any synonym, then any of its own synonyms against any.
 * One candidate is a match; several are ambiguous; none is unmatched.
 */
export function classCandidates(index: ModelClassIndex, name: string): number[] {
  const whole = [classNameKey(name)];
  const own = classNameSynonyms(name).map(classNameKey);
  const steps: [string[], number][] = [[whole, 0], [whole, 1], [whole, 2], [own, 2]];
  for (const [keys, tier] of steps) {
    const hits = new Set<number>();
    for (const key of keys) for (const i of index[tier].get(key) ?? []) hits.add(i);
    if (hits.size > 0) return [...hits].sort((a, b) => a - b);
  }
  return [];
}

/** The model class a name fits, or null (with the candidates when ambiguous). */
export function findModelClass(index: ModelClassIndex, name: string): { match: number | null; candidates: number[] } {
  const candidates = classCandidates(index, name);
  return { match: candidates.length === 1 ? candidates[0] : null, candidates };
}

/** Matches every dataset class to a model class (see ClassMatchOptions); never falls back to position unless told. */
export function matchClasses(datasetNames: string[], modelNames: string[], options: Partial<ClassMatchOptions> = {}): ClassMatch {
  const opts = { ...CLASS_MATCH_DEFAULTS, ...options };
  const mapping = datasetNames.map(() => UNMATCHED);
  const how: MatchHow[] = datasetNames.map(() => null);
  const ambiguous: ClassMatch['ambiguous'] = [];
  if (opts.labelMode !== 'labels') return { labelMode: opts.labelMode, mapping, how, unmatched: [], ambiguous };
  const index = opts.rule === 'name' ? modelClassIndex(modelNames) : null;
  datasetNames.forEach((name, i) => {
    const given = opts.given?.[i] ?? UNMATCHED;
    if (given >= 0 && given < modelNames.length) { mapping[i] = given; how[i] = 'given'; return; }
    if (!index) {
      if (i < modelNames.length) { mapping[i] = i; how[i] = 'position'; }
      return;
    }
    const found = findModelClass(index, name);
    if (found.match !== null) { mapping[i] = found.match; how[i] = 'name'; }
    if (found.candidates.length > 1) ambiguous.push({ name, candidates: found.candidates.map((c) => modelNames[c]) });
  });
  const unmatched = datasetNames.filter((_, i) => mapping[i] === UNMATCHED);
  return { labelMode: opts.labelMode, mapping, how, unmatched, ambiguous };
}

/** True when every dataset class has a model class (an empty mapping is not complete). */
export function mappingComplete(mapping: readonly number[], numModelClasses: number): boolean {
  return mapping.length > 0 && mapping.every((m) => Number.isInteger(m) && m >= 0 && m < numModelClasses);
}

/** A shape check for a mapping received from storage or another thread: numbers in [UNMATCHED, classes), one per dataset class. */
export function isMapping(value: unknown, datasetClasses: number, numModelClasses: number): value is number[] {
  return Array.isArray(value) && value.length === datasetClasses &&
    value.every((m) => Number.isInteger(m) && m >= UNMATCHED && m < numModelClasses);
}
