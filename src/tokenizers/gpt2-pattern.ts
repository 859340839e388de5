// GPT-2's pre-tokenization regex, verbatim from OpenAI's encoder.py (and tiktoken's r50k_base):
// English contractions, an optional space plus a run of letters, of numbers, or of other
// symbols, then whitespace (a run of spaces keeps its last space for the following word).
// BPE merges never cross the boundaries this split makes.
export const GPT2_SPLIT_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** A fresh global Unicode regex for a split pattern; throws naming the pattern if it is invalid. */
export function compileSplitPattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'gu');
  } catch (e) {
    throw new Error(`invalid pre-tokenization pattern ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}
