// Tokenizer benchmarks: GPT-2 encoding throughput of deepts against js-tiktoken (same process,
// same text, alternating runs), SentencePiece (LLaMA) throughput, and BPE training time for a
// 4,096-token vocabulary on Tiny Shakespeare. Writes bench/results/tokenizers.{md,json}.
// Run: npx tsc -p . && node dist/bench/tokenizers.js [--reps N]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { trainByteLevelBpe } from '../src/tokenizers/bpe-trainer.js';
import { repoRoot, tokenizerFiles } from '../src/io/data-paths.js';
import { loadGpt2 } from '../src/tokenizers/gpt2-files.js';
import { loadNamedTokenizer } from '../src/tokenizers/registry.js';
import { sentimentFiles } from '../src/tokenizers/sentiment-texts.js';

const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

const shakespeare = readFileSync(tokenizerFiles.tinyShakespeare(), 'utf8');
const chinese = readFileSync(sentimentFiles.chnsenticorp(), 'utf8');
const gpt2 = loadGpt2();
const tiktoken = getEncoding('gpt2');

type Row = { corpus: string; megabytes: number; tokens: number; deeptsCold: number; deeptsWarm: number; jsTiktoken: number; idsEqual: boolean };
const rows: Row[] = [];
for (const [corpus, text] of [
  ['Tiny Shakespeare', shakespeare],
  ['ChnSentiCorp (Chinese)', chinese],
] as const) {
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  const ours = gpt2.encode(text);
  const theirs = tiktoken.encode(text);
  const cold: number[] = [];
  const warm: number[] = [];
  const tk: number[] = [];
  for (let r = 0; r < REPS; r++) {
    gpt2.clearCache();
    cold.push(time(() => gpt2.encode(text)));
    warm.push(time(() => gpt2.encode(text)));
    tk.push(time(() => tiktoken.encode(text)));
  }
  rows.push({
    corpus,
    megabytes: mb,
    tokens: ours.length,
    deeptsCold: mb / median(cold),
    deeptsWarm: mb / median(warm),
    jsTiktoken: mb / median(tk),
    idsEqual: ours.length === theirs.length && ours.every((id, i) => id === theirs[i]),
  });
}

// SentencePiece: every line of Tiny Shakespeare encoded on its own, as the fixtures do.
const llama = loadNamedTokenizer('llama');
const lines = shakespeare.split('\n');
const spTimes: number[] = [];
for (let r = 0; r < Math.min(REPS, 3); r++)
  spTimes.push(
    time(() => {
      for (const l of lines) llama.encode(l);
    }),
  );
const spMBs = Buffer.byteLength(shakespeare, 'utf8') / 1e6 / median(spTimes);

// BPE training, 4,096 tokens (256 bytes + 3,839 merges + <|endoftext|>).
const trainTimes: number[] = [];
let trainStats = { merges: 0, uniquePieces: 0 };
for (let r = 0; r < 3; r++) {
  const t = time(() => {
    const res = trainByteLevelBpe(shakespeare, { vocabSize: 4096 });
    trainStats = { merges: res.stats.merges, uniquePieces: res.stats.uniquePieces };
  });
  trainTimes.push(t);
}

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical cores, shared), Node ${process.version}`;
const result = {
  date: new Date().toISOString(),
  machine,
  reps: REPS,
  gpt2Encode: rows,
  sentencePieceLlama: { corpus: 'Tiny Shakespeare, per line', megabytesPerSecond: spMBs },
  bpeTraining: { corpus: 'Tiny Shakespeare', vocabSize: 4096, ...trainStats, secondsMedian: median(trainTimes), seconds: trainTimes },
};

const f = (x: number) => x.toFixed(2);
const md = [
  '# Tokenizer benchmarks',
  '',
  `${result.date.slice(0, 10)}, ${machine}. Median of ${REPS} runs; written by \`node dist/bench/tokenizers.js\`.`,
  '',
  '## GPT-2 encoding throughput (MB/s of UTF-8 input)',
  '',
  'deepts "cold" clears its piece cache before each run; "warm" reuses it. js-tiktoken has no cache.',
  '',
  '| corpus | MB | tokens | deepts cold | deepts warm | js-tiktoken | cold / js-tiktoken | ids equal |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.corpus} | ${f(r.megabytes)} | ${r.tokens} | ${f(r.deeptsCold)} | ${f(r.deeptsWarm)} | ${f(r.jsTiktoken)} | ${(r.deeptsCold / r.jsTiktoken).toFixed(1)}x | ${r.idsEqual ? 'yes' : 'NO'} |`,
  ),
  '',
  '## SentencePiece (LLaMA) encoding',
  '',
  `Tiny Shakespeare, each line on its own: ${f(spMBs)} MB/s.`,
  '',
  '## BPE training',
  '',
  `Byte-level BPE, vocabulary 4,096 (${trainStats.merges} merges, ${trainStats.uniquePieces} distinct pre-tokenized pieces) on Tiny Shakespeare: ` +
    `${result.bpeTraining.secondsMedian.toFixed(2)} s (median of 3: ${trainTimes.map((t) => t.toFixed(2)).join(', ')} s).`,
  '',
].join('\n');

const dir = join(repoRoot(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'tokenizers.md'), md);
writeFileSync(join(dir, 'tokenizers.json'), JSON.stringify(result, null, 2) + '\n');
console.log(md);
