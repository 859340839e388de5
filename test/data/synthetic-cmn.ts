// A small Tatoeba-shaped cmn.txt for tests that train translation models (no shared data needed):
// 2,300 distinct pairs of 3–6 Chinese characters and the English word each stands for.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '../../src/index.js';

const CHARS = [...'我你他她爱看有猫狗书中国人大小好山水日月'];
const WORDS = [
  'i',
  'you',
  'he',
  'she',
  'love',
  'see',
  'have',
  'cat',
  'dog',
  'book',
  'middle',
  'country',
  'person',
  'big',
  'small',
  'good',
  'mountain',
  'water',
  'sun',
  'moon',
];

/** 2,300 distinct pairs `English<TAB>Chinese<TAB>attribution`: 1,000 test, 1,000 validation, 300 train. */
export function syntheticCmn(folder: string): string {
  mkdirSync(folder, { recursive: true });
  const g = new Generator(7);
  const seen = new Set<string>();
  const lines: string[] = [];
  while (lines.length < 2300) {
    const n = 3 + g.randomInt(4);
    const ids = Array.from({ length: n }, () => g.randomInt(CHARS.length));
    const zh = ids.map((i) => CHARS[i]).join('') + '。';
    if (seen.has(zh)) continue;
    seen.add(zh);
    const en = ids.map((i) => WORDS[i]).join(' ');
    lines.push(`${en[0]!.toUpperCase()}${en.slice(1)}.\t${zh}\tCC-BY 2.0 (France) synthetic`);
  }
  writeFileSync(join(folder, 'cmn.txt'), lines.join('\n') + '\n');
  return folder;
}
