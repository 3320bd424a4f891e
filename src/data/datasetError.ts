/** What kind of problem made a dataset unusable. */
export type DatasetErrorCode =
  | 'empty'         // no files, or no usable images at all
  | 'format'        // bytes that are not what their name or magic number says (IDX, gzip, zip, safetensors)
  | 'missing-file'  // a file the dataset needs (e.g. the labels of an IDX pair) is absent
  | 'mismatch'      // counts or shapes that disagree (images vs labels, header vs byte count)
  | 'labels'        // a label outside 0..classes-1
  | 'classes'       // too few classes, an empty class folder, or class names that do not fit
  | 'too-large'     // over a safety cap (uncompressed size, entry count, pixels)
  | 'options';      // an argument out of range (split fraction, target shape, class names)

/** A typed, human-readable error about an unusable dataset; `file` names the culprit when known. */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly file?: string;

  constructor(code: DatasetErrorCode, message: string, file?: string) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.file = file;
  }
}

/** The message of any thrown value, for "skipped: <reason>" lists. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
