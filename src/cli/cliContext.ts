/** What every CLI command gets: where to print, output mode and global options. */
export interface CliContext {
  /** Human messages (stderr). */
  log: (line: string) => void;
  /** Machine output (stdout). */
  print: (text: string) => void;
  json: boolean;
  backend: string;
  numHeads?: number;
  /** --mean / --std as typed ("0.5,0.5,0.5"); applied to the model on load, checked against its channels. */
  normalisation?: { mean?: string; std?: string };
}

/** A wrong or missing command-line argument (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
