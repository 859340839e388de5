// Errors for tokenizer files that cannot be used: the message always names the file and says
// what was expected there, so a truncated download or a wrong path is obvious from one line.

export class TokenizerFileError extends Error {
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'TokenizerFileError';
    this.file = file;
  }
}

/** JSON.parse with an error naming the file and what kind of document it should have been. */
export function parseJsonFile(file: string, text: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerFileError(file, `invalid JSON, expected ${expected} (${(e as Error).message})`);
  }
}
