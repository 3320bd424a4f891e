/** A class-map file, `{"dataset class": "model class", …}`, checked against the dataset's and the model's class names. */
import { classNameKey } from './classNameKey';
import { findModelClass, modelClassIndex, UNMATCHED } from './classMatch';
import { DatasetError } from './datasetError';

/** Up to three names, quoted, with a count of the rest. */
function listNames(names: string[]): string {
  const shown = names.slice(0, 3).map((n) => `"${n}"`).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** The dataset class a map key names: the exact name, else the one class with the same normalised name. */
function datasetClassOf(key: string, datasetNames: string[]): number {
  const exact = datasetNames.indexOf(key);
  if (exact >= 0) return exact;
  const hits = datasetNames.flatMap((n, i) => (classNameKey(n) === classNameKey(key) ? [i] : []));
  return hits.length === 1 ? hits[0] : UNMATCHED;
}

/** The JSON object of a class-map file, or a DatasetError saying what is wrong with its shape. */
function mapObject(text: string, file: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetError('format', `${file} is not valid JSON (${(error as Error).message}); expected {"dataset class": "model class", ...}.`, file);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DatasetError('format', `${file} must hold one JSON object {"dataset class": "model class", ...}.`, file);
  }
  const entries = Object.entries(json as Record<string, unknown>);
  const bad = entries.filter(([, v]) => typeof v !== 'string').map(([k]) => k);
  if (bad.length > 0) throw new DatasetError('format', `${file}: the values of ${listNames(bad)} must be model class names (strings).`, file);
  return json as Record<string, string>;
}

/**
 * The model class chosen for every dataset class by a class-map file ([datasetClasses], UNMATCHED where the
 * file says nothing). Unknown dataset classes, unknown or ambiguous model classes are errors naming them.
 */
export function classMapGiven(text: string, file: string, datasetNames: string[], modelNames: string[]): number[] {
  const map = mapObject(text, file);
  const given = datasetNames.map(() => UNMATCHED);
  const index = modelClassIndex(modelNames);
  const unknownData: string[] = [];
  const unknownModel: string[] = [];
  for (const [from, to] of Object.entries(map)) {
    const d = datasetClassOf(from, datasetNames);
    const m = findModelClass(index, to).match;
    if (d === UNMATCHED) unknownData.push(from);
    else if (m === null) unknownModel.push(to);
    else given[d] = m;
  }
  if (unknownData.length > 0) {
    throw new DatasetError('classes', `${file} names dataset classes the dataset does not have: ${listNames(unknownData)} (it has ${listNames(datasetNames)}).`, file);
  }
  if (unknownModel.length > 0) {
    throw new DatasetError('classes', `${file} names model classes the model does not have (or several fit): ${listNames(unknownModel)}.`, file);
  }
  return given;
}
