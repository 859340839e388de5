// fixtures/bleu/bleu.json, written by scripts/bleu_fixtures.py (what each value is compared with is said there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/io/data-paths.js';
import type { BleuSmoothing, BleuTokenizer, ChrfOptions } from '../../src/metrics/index.js';

export interface BleuFixture {
  tokenize: Array<[BleuTokenizer, string, string]>;
  corpora: Record<string, { hypotheses: string[]; references: string[][] }>;
  bleu: Array<{
    corpus: string;
    tokenize: BleuTokenizer;
    lowercase: boolean;
    counts: number[];
    totals: number[];
    sysLen: number;
    refLen: number;
    scores: Record<BleuSmoothing, number>;
  }>;
  chrf: Array<{ corpus: string; options: ChrfOptions; score: number }>;
}

export const fixture = JSON.parse(readFileSync(join(repoRoot(), 'fixtures', 'bleu', 'bleu.json'), 'utf8')) as BleuFixture;
