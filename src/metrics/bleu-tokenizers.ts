// sacreBLEU's BLEU tokenizers ('13a', 'zh', 'char', 'none'), transcribed from sacreBLEU 2.6.0
// (sacrebleu/tokenizers/tokenizer_{13a,re,zh,char,none}.py). Python semantics that differ from
// JS's are reproduced: str.split()/strip() whitespace, and iteration by code point.

/** Python's str.isspace() characters: JS's \s lacks U+001C–U+001F and U+0085, and has U+FEFF. */
const PY_SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACES = new RegExp(`[${PY_SPACE}]+`, 'u');
const PY_LEADING = new RegExp(`^[${PY_SPACE}]+`, 'u');
const PY_TRAILING = new RegExp(`[${PY_SPACE}]+$`, 'u');

/** Python's `s.split()`: words between runs of whitespace, no empty strings. */
export function pySplit(s: string): string[] {
  return s.split(PY_SPACES).filter((w) => w !== '');
}

/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(PY_TRAILING, '');
}

// tokenizer_re.py, the part 13a and zh share (mteval-v13a's language-dependent rules)
const RE_RULES: Array<[RegExp, string]> = [
  [/([{-~[-`\u0020-&(-+:-@/])/gu, ' $1 '], // ASCII punctuation but ' , - . (and space)
  [/([^0-9])([.,])/gu, '$1 $2 '], // period and comma unless preceded by a digit
  [/([.,])([^0-9])/gu, ' $1 $2'], // period and comma unless followed by a digit
  [/([0-9])(-)/gu, '$1 $2 '], // dash when preceded by a digit
];

function tokenizeRegexp(line: string): string {
  for (const [re, replacement] of RE_RULES) line = line.replace(re, replacement);
  return pySplit(line).join(' ');
}

/** mteval-v13a as sacreBLEU's Tokenizer13a: drop `<skipped>`, join `-\n`, unescape 4 entities, then the rules. */
export function tokenize13a(line: string): string {
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  return tokenizeRegexp(` ${line} `);
}

// tokenizer_zh.py's _UCODE_RANGES as Python compares them. Two of its endpoints are written
// '\u20000', '\u2a6d6', '\u2f800', '\u2fa1d': in Python these are 2-character strings, so a
// character c satisfies '\u2000' + '0' <= c <= '\u2a6d' + '6' exactly when U+2001 <= c <= U+2A6D
// (general punctuation such as — “ ” …, symbols, arrows are split too), and likewise
// U+2F81..U+2FA1; CJK Extension B (U+20000…) is not split. sacreBLEU's scores depend on this.
// Pairs of [first, last] code points, in sacreBLEU's order.
const ZH_RANGES = [
  0x3400, 0x4db5, 0x4e00, 0x9fa5, 0x9fa6, 0x9fbb, 0xf900, 0xfa2d, 0xfa30, 0xfa6a, 0xfa70, 0xfad9, 0x2001, 0x2a6d, 0x2f81, 0x2fa1, 0xff00, 0xffef, 0x2e80,
  0x2eff, 0x3000, 0x303f, 0x31c0, 0x31ef, 0x2f00, 0x2fdf, 0x2ff0, 0x2fff, 0x3100, 0x312f, 0x31a0, 0x31bf, 0xfe10, 0xfe1f, 0xfe30, 0xfe4f, 0x2600, 0x26ff,
  0x2700, 0x27bf, 0x3200, 0x32ff, 0x3300, 0x33ff,
];

function isChineseChar(cp: number): boolean {
  for (let i = 0; i < ZH_RANGES.length; i += 2) if (cp >= ZH_RANGES[i]! && cp <= ZH_RANGES[i + 1]!) return true;
  return false;
}

/** sacreBLEU's TokenizerZh: strip, space out each Chinese character, then the 13a rules (not its unescaping). */
export function tokenizeZh(line: string): string {
  let spaced = '';
  for (const ch of line.replace(PY_LEADING, '').replace(PY_TRAILING, '')) spaced += isChineseChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
  return tokenizeRegexp(spaced);
}

export const BLEU_TOKENIZERS = {
  '13a': tokenize13a,
  zh: tokenizeZh,
  char: (line: string): string => Array.from(line).join(' '),
  none: (line: string): string => line,
} as const;

export type BleuTokenizer = keyof typeof BLEU_TOKENIZERS;
export const BLEU_TOKENIZER_NAMES = Object.keys(BLEU_TOKENIZERS) as BleuTokenizer[];
