/** What kind of problem made a checkpoint, config or tensor file unusable. */
export type CheckpointErrorCode =
  | 'io'              // the file could not be read
  | 'pickle'          // a pickled PyTorch file (.pth/.bin) was offered; never unpickled
  | 'header'          // safetensors header length / JSON / layout is invalid
  | 'dtype'           // a tensor dtype that cannot be read
  | 'offsets'         // data offsets outside the file, overlapping or with gaps
  | 'shape'           // a shape that does not match its byte count or the model
  | 'config'          // config.json missing, malformed or inconsistent
  | 'unsupported'     // a valid checkpoint of a kind the studio does not support
  | 'missing-key'     // a tensor the model needs is absent
  | 'unexpected-key'  // a tensor the model does not know
  | 'values';         // NaN/Inf or otherwise unusable values

/** A typed, human-readable error about an untrusted file; `file`/`key` name the culprit. */
export class CheckpointError extends Error {
  readonly code: CheckpointErrorCode;
  readonly file?: string;
  readonly key?: string;

  constructor(code: CheckpointErrorCode, message: string, where: { file?: string; key?: string } = {}) {
    super(message);
    this.name = 'CheckpointError';
    this.code = code;
    this.file = where.file;
    this.key = where.key;
  }
}

/** Longest name (tensor, key, field) quoted in full in an error message. */
const MAX_NAME_CHARS = 80;

/** `name` as it may appear in a one-line message: control characters as "?", cut to 80 characters with "...". */
export function clipName(name: string): string {
  const cut = name.length <= MAX_NAME_CHARS ? name : `${name.slice(0, MAX_NAME_CHARS - 3)}...`;
  return cut.replace(/[\u0000-\u001f\u007f]/g, '?');
}
