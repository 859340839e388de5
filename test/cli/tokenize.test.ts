import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, tokenizerFiles } from '../../src/io/data-paths.js';
import { sentimentFiles } from '../../src/tokenizers/sentiment-texts.js';
import { LECTURE_IDS, LECTURE_PARAGRAPH, haveFiles } from '../tokenizers/helpers.js';

const MAIN = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');

function deepts(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const gpt2Files = [tokenizerFiles.gpt2Encoder(), tokenizerFiles.gpt2Vocab()];
const spFiles = [tokenizerFiles.llama(), tokenizerFiles.chineseSp()];

test("deepts tokenize --tokenizer gpt2 --ids prints the lecture's 79 ids", (t) => {
  if (!haveFiles(t, ...gpt2Files)) return;
  const r = deepts(['tokenize', '--tokenizer', 'gpt2', '--ids', LECTURE_PARAGRAPH]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, JSON.stringify(LECTURE_IDS) + '\n');
  assert.ok(r.stdout.startsWith('[464,402,11571,1641,') && r.stdout.endsWith(',286,2420,13]\n'));
});

test('deepts tokenize --file and --allow-special', (t) => {
  if (!haveFiles(t, ...gpt2Files)) return;
  const dir = mkdtempSync(join(tmpdir(), 'deepts-cli-'));
  try {
    writeFileSync(join(dir, 'doc.txt'), 'Example document 2<|endoftext|>Example document 3');
    assert.equal(deepts(['tokenize', '--allow-special', '--file', join(dir, 'doc.txt')]).stdout, '[16281,3188,362,50256,16281,3188,513]\n');
    assert.ok(!deepts(['tokenize', '--file', join(dir, 'doc.txt')]).stdout.includes('50256'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deepts tokenize --tokenizer chinese-llama --pieces shows the slide's byte fallback for 茝", (t) => {
  if (!haveFiles(t, ...spFiles)) return;
  const r = deepts(['tokenize', '--tokenizer', 'chinese-llama', '--pieces', '--stats', '杂申椒与菌桂兮，岂维纫夫蕙茝。']);
  assert.equal(r.code, 0, r.stderr);
  const [pieces, ...stats] = r.stdout.trim().split('\n');
  assert.deepEqual(JSON.parse(pieces!), [
    '▁',
    '杂',
    '申',
    '椒',
    '与',
    '菌',
    '桂',
    '兮',
    '，',
    '岂',
    '维',
    '纫',
    '夫',
    '蕙',
    '<0xE8>',
    '<0x8C>',
    '<0x9D>',
    '。',
  ]);
  assert.match(stats.join('\n'), /vocabulary:\s+49953\n.*characters:\s+15\n.*tokens:\s+18\n.*tokens\/char:\s+1\.200/s);
});

test('deepts tokenize --color colours whole characters, plain brackets when colour is off', (t) => {
  if (!haveFiles(t, ...gpt2Files)) return;
  const plain = deepts(['tokenize', '--color', 'Hello 茝 world']);
  assert.equal(plain.stdout, '[Hello][ 茝][ world]\nTokens: 5  Characters: 13\n');
  const coloured = deepts(['tokenize', '--color', 'Hello world'], { FORCE_COLOR: '1' });
  assert.equal(coloured.stdout.split('\n')[0], '\x1b[30;48;5;153mHello\x1b[0m\x1b[30;48;5;187m world\x1b[0m');
});

test("deepts tokenize --stats with no text prints the lecture's table side by side with ours", (t) => {
  if (
    !haveFiles(t, ...gpt2Files, ...spFiles, tokenizerFiles.chineseLlama2(), sentimentFiles.chnsenticorp(), sentimentFiles.waimai(), sentimentFiles.sst2Train())
  )
    return;
  const r = deepts(['tokenize', '--stats', '--max-texts', '200']);
  assert.equal(r.code, 0, r.stderr);
  const row = (name: string) =>
    r.stdout
      .split('\n')
      .find((l) => l.startsWith(name + ' '))!
      .trim()
      .split(/\s{2,}/);
  const llama = row('LLaMA');
  assert.deepEqual([llama[1], llama[3], llama[5]], ['32000', '1.45', '0.25']);
  assert.ok(Math.abs(Number(llama[2]) - 1.45) < 0.25 && Math.abs(Number(llama[4]) - 0.25) < 0.05, llama.join(' | '));
  const zh = row('Chinese LLaMA');
  assert.deepEqual([zh[1], zh[3], zh[5]], ['49953', '0.62', '0.249']);
  assert.ok(Math.abs(Number(zh[2]) - 0.62) < 0.15 && Math.abs(Number(zh[4]) - 0.249) < 0.05, zh.join(' | '));
  assert.match(r.stdout, /ChatGLM-6B\s+130528\s+-\s+0\.55\s+-\s+0\.19/);
});

test('deepts tokenizer train writes deepts-bpe.json and tokenizer.json that deepts tokenize reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-train-'));
  try {
    const corpus = Array.from({ length: 400 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog; 男儿何不带吴钩`).join('\n');
    writeFileSync(join(dir, 'corpus.txt'), corpus);
    const out = join(dir, 'tok');
    const r = deepts(['tokenizer', 'train', '--vocab-size', '300', '--input', join(dir, 'corpus.txt'), '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /vocabulary 300 = 256 bytes \+ 43 merged \+ 1 special/);
    assert.ok(existsSync(join(out, 'deepts-bpe.json')) && existsSync(join(out, 'tokenizer.json')));
    const a = deepts(['tokenize', '--tokenizer', out, 'the quick brown fox 男儿']);
    const b = deepts(['tokenize', '--tokenizer', join(out, 'tokenizer.json'), 'the quick brown fox 男儿']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.ok(JSON.parse(a.stdout).length < 20);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deepts tokenizer merge-sp writes the Chinese-LLaMA model byte-identical to the Python merge', (t) => {
  if (!haveFiles(t, ...spFiles)) return;
  const dir = mkdtempSync(join(tmpdir(), 'deepts-merge-'));
  try {
    const out = join(dir, 'merged.model');
    const r = deepts(['tokenizer', 'merge-sp', '--base', tokenizerFiles.llama(), '--extra', tokenizerFiles.chineseSp(), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /32000 \+ 17953 new pieces = 49953/);
    const ref = JSON.parse(readFileSync(join(repoRoot(), 'fixtures', 'tokenizers', 'sentencepiece_reference.json'), 'utf8')) as {
      models: Record<string, { sha256: string }>;
    };
    assert.equal(createHash('sha256').update(readFileSync(out)).digest('hex'), ref.models['chinese-llama']!.sha256);
    assert.equal(
      deepts(['tokenize', '--tokenizer', out, '--pieces', '男儿何不带吴钩，收取关山五十州。']).stdout.trim(),
      JSON.stringify(['▁', '男', '儿', '何', '不', '带', '吴', '钩', '，', '收取', '关', '山', '五十', '州', '。']),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deepts tokenize --tokenizer char and llama', (t) => {
  if (!haveFiles(t, tokenizerFiles.tinyShakespeare(), tokenizerFiles.llama())) return;
  assert.equal(deepts(['tokenize', '--tokenizer', 'char', 'hii there']).stdout, '[46,47,47,1,58,46,43,56,43]\n');
  assert.equal(deepts(['tokenize', '--tokenizer', 'llama', 'Hello world']).stdout, '[15043,3186]\n');
  const bad = deepts(['tokenize', '--tokenizer', 'char', '男']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /character "男" \(U\+7537\) at offset 0 is not in the vocabulary of 65 characters/);
});

test('CLI errors: unknown flags, missing text, bad tokenizer paths', () => {
  const unknown = deepts(['tokenize', '--bogus', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /deepts tokenize: .*bogus.*Known flags: --tokenizer/);
  const none = deepts(['tokenize', '--ids']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no text; give TEXT or --file F/);
  const bad = deepts(['tokenize', '--tokenizer', '/nonexistent/tok.model', 'x']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /\/nonexistent\/tok.model: no such file or folder/);
  const vocab = deepts(['tokenizer', 'train', '--vocab-size', '10', '--input', 'x', '--out', 'y']);
  assert.equal(vocab.code, 2);
  assert.match(vocab.stderr, /--vocab-size expects an integer in 257\.\./);
  const sub = deepts(['tokenizer', 'frobnicate']);
  assert.equal(sub.code, 2);
  assert.match(sub.stderr, /unknown subcommand 'frobnicate'/);
});
