// Tokens per character, the measure of the lecture's "词表和token" slide (vocabulary size vs
// average tokens per Chinese / English character), and that slide's numbers for comparison.
import type { Tokenizer } from './tokenizer.js';
import { chineseReviews, englishSentences, sentimentFiles } from './sentiment-texts.js';

/** The slide's table: model, vocabulary size, average tokens per Chinese and per English character. */
export const LECTURE_VOCABULARY_TABLE = [
  { model: 'LLaMA', tokenizer: 'llama', vocab: 32000, chinese: 1.45, english: 0.25 },
  { model: 'Chinese LLaMA', tokenizer: 'chinese-llama', vocab: 49953, chinese: 0.62, english: 0.249 },
  { model: 'ChatGLM-6B', tokenizer: undefined, vocab: 130528, chinese: 0.55, english: 0.19 },
  { model: 'Bloom', tokenizer: undefined, vocab: 250880, chinese: 0.53, english: 0.22 },
] as const;

/** Number of Unicode characters (code points), not UTF-16 units. */
export function countCharacters(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

export type TokenStats = { texts: number; characters: number; tokens: number; tokensPerCharacter: number };

/** Encodes each text on its own (as a model would see a review) and totals tokens and characters. */
export function tokenStats(tok: Tokenizer, texts: readonly string[]): TokenStats {
  let characters = 0;
  let tokens = 0;
  for (const t of texts) {
    characters += countCharacters(t);
    tokens += tok.encode(t).length;
  }
  return { texts: texts.length, characters, tokens, tokensPerCharacter: characters === 0 ? 0 : tokens / characters };
}

/** The corpora behind our version of the table: Chinese reviews and English SST-2 sentences. */
export function lectureCorpora(maxTexts = Infinity): { chinese: string[]; english: string[] } {
  const take = (a: string[]) => (Number.isFinite(maxTexts) ? a.slice(0, maxTexts) : a);
  return {
    chinese: [...take(chineseReviews(sentimentFiles.chnsenticorp())), ...take(chineseReviews(sentimentFiles.waimai()))],
    english: take(englishSentences(sentimentFiles.sst2Train())),
  };
}
