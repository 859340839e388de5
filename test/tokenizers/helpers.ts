// Shared test helpers: skipping when shared data is absent, and a seeded random text generator
// for the property tests (mixes the character classes the GPT-2 regex and SentencePiece treat specially).
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

/** True when every file exists; otherwise marks the test skipped, naming what is missing. */
export function haveFiles(t: TestContext, ...paths: string[]): boolean {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    t.skip(`missing shared data: ${missing.join(', ')}`);
    return false;
  }
  return true;
}

/** mulberry32: a tiny deterministic PRNG so property tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOLS: string[] = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789',
  '     \t\n\n\r',
  '.,;:!?\'"()[]{}-_/\\@#$%^&*+=<>|~`',
  "'s't're've'm'll'd",
  '\u00a0\u2009\u3000\u2028\u0085\ufeff\u000b\u000c\u001c',
  'éèêëñüößçàÀÉØåæœ',
  '中文字符测试男儿何不带吴钩收取关山五十州杂申椒与菌桂兮岂维纫夫蕙茝。，、',
  'Ωαβγδπσλμ',
  'абвгдежзийклмнопрст',
  'مرحبا עברית हिन्दी ไทย 한국어 日本語カタカナ',
  '\u0301\u0308\u200d\u200b\ufe0f',
  '😀🎉👍🏽🇨🇳𝔘𝔫𝔦𝔠𝔬𝔡𝔢𠀀',
  '١٢٣٤٥⅓²³①',
];

/** A random string of up to maxLen code points drawn from mixed Unicode pools (no lone surrogates). */
export function randomUnicodeString(rand: () => number, maxLen = 40): string {
  const n = Math.floor(rand() * maxLen);
  let s = '';
  let pool = [...POOLS[Math.floor(rand() * POOLS.length)]!];
  for (let i = 0; i < n; i++) {
    if (rand() < 0.2) pool = [...POOLS[Math.floor(rand() * POOLS.length)]!];
    if (rand() < 0.03) s += String.fromCodePoint(0x20 + Math.floor(rand() * 0x2fff0)).replace(/[\ud800-\udfff]/g, '');
    else s += pool[Math.floor(rand() * pool.length)];
  }
  return s;
}

// The lecture's "token转换" slide: GPT-2 ids of this paragraph (two newlines before "You can use").
export const LECTURE_PARAGRAPH =
  'The GPT family of models process text using tokens, which are common sequences of characters found in text. The models understand the statistical relationships between these tokens, and excel at producing the next token in a sequence of tokens.\n\n' +
  'You can use the tool below to understand how a piece of text would be tokenized by the API, and the total count of tokens in that piece of text.';
export const LECTURE_IDS = [
  464, 402, 11571, 1641, 286, 4981, 1429, 2420, 1262, 16326, 11, 543, 389, 2219, 16311, 286, 3435, 1043, 287, 2420, 13, 383, 4981, 1833, 262, 13905, 6958, 1022,
  777, 16326, 11, 290, 27336, 379, 9194, 262, 1306, 11241, 287, 257, 8379, 286, 16326, 13, 198, 198, 1639, 460, 779, 262, 2891, 2174, 284, 1833, 703, 257, 3704,
  286, 2420, 561, 307, 11241, 1143, 416, 262, 7824, 11, 290, 262, 2472, 954, 286, 16326, 287, 326, 3704, 286, 2420, 13,
];
