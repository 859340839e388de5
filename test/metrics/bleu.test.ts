// corpusBleu/sentenceBleu against sacreBLEU 2.6.0's behaviour: the tokenizers against the
// fixture script's Python transcription, the scores against NLTK's corpus_bleu on the script's
// tokens (every smoothing method), and cases computed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLEU_TOKENIZERS, type BleuSmoothing, corpusBleu, sentenceBleu } from '../../src/metrics/index.js';
import { pyFixed } from '../../src/metrics/score.js';
import * as dt from '../../src/index.js';
import { fixture } from './fixture.js';

const close = (actual: number, expected: number, what: string, tol = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} != ${expected}`);

test('the 13a and zh tokenizers give what the Python transcription of sacreBLEU gives', () => {
  assert.ok(fixture.tokenize.length >= 10);
  for (const [name, line, expected] of fixture.tokenize) assert.equal(BLEU_TOKENIZERS[name](line), expected, `${name}: ${JSON.stringify(line)}`);
});

test('corpus BLEU matches NLTK corpus_bleu on the same tokens, for every smoothing method', () => {
  assert.ok(fixture.bleu.length >= 8);
  for (const c of fixture.bleu) {
    const { hypotheses, references } = fixture.corpora[c.corpus]!;
    for (const [smoothMethod, expected] of Object.entries(c.scores) as Array<[BleuSmoothing, number]>) {
      const what = `${c.corpus} tok:${c.tokenize}${c.lowercase ? ' lc' : ''} smooth:${smoothMethod}`;
      const s = corpusBleu(hypotheses, references, { tokenize: c.tokenize, lowercase: c.lowercase, smoothMethod });
      close(s.score, expected, what);
      assert.equal(s.sysLen, c.sysLen, what);
      assert.equal(s.refLen, c.refLen, what);
      // add-k adds k to the counts and totals of orders 2..4, and reports them so (as sacreBLEU)
      const k = smoothMethod === 'add-k' ? [0, 1, 1, 1] : [0, 0, 0, 0];
      assert.deepEqual(
        s.counts,
        c.counts.map((v, n) => v + k[n]!),
        what,
      );
      assert.deepEqual(
        s.totals,
        c.totals.map((v, n) => v + k[n]!),
        what,
      );
    }
  }
  // the fixtures cover what they are for
  const sparse = fixture.bleu.find((c) => c.corpus === 'sparse')!;
  assert.ok(sparse.counts[3] === 0 && sparse.scores.exp > sparse.scores.floor && sparse.scores.none < 1e-9);
  assert.ok(corpusBleu(fixture.corpora.short!.hypotheses, fixture.corpora.short!.references).bp < 1);
  assert.equal(fixture.corpora.multi!.references.length, 2);
});

test('hand-checked: identical text is 100; the cat sat on the mat', () => {
  const same = corpusBleu(['The cat, the hat.', 'A b c d e'], ['The cat, the hat.', 'A b c d e']);
  close(same.score, 100, 'identical', 1e-12); // exp(log(100)) = 100.00000000000004, in Python too
  assert.equal(same.bp, 1);
  // hyp: the cat sat on the mat / ref: the cat is on the mat (6 tokens each)
  // matches: 1-grams 5/6 (the ×2, cat, on, mat), 2-grams 3/5 (the cat, on the, the mat), 3-grams 1/4
  // (on the mat), 4-grams 0/3 -> exp smoothing 1/(2·3). BLEU = 100·(5/6 · 3/5 · 1/4 · 1/6)^(1/4) = 100·48^(-1/4)
  const s = corpusBleu(['the cat sat on the mat'], ['the cat is on the mat']);
  close(s.score, 100 * 48 ** -0.25, 'score', 1e-12);
  assert.deepEqual(s.counts, [5, 3, 1, 0]);
  assert.deepEqual(s.totals, [6, 5, 4, 3]);
  assert.equal(s.format(), 'BLEU = 37.99 83.3/60.0/25.0/16.7 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)');
  assert.equal(s.signature, 'nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:deepts-sacrebleu-2.6.0');
  assert.equal(s.format({ signature: true }), `BLEU|${s.signature} = 37.99 83.3/60.0/25.0/16.7 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)`);
  assert.equal(s.format({ scoreOnly: true, width: 4 }), '37.9918');
  assert.equal(String(s), s.format());
  // floor: 4-gram precision 0.1/3, so 100·(1/2 · 1/4 · 1/30)^(1/4); none: a zero precision makes the score 0
  close(corpusBleu(['the cat sat on the mat'], ['the cat is on the mat'], { smoothMethod: 'floor' }).score, 100 * (1 / 240) ** 0.25, 'floor', 1e-12);
  assert.equal(corpusBleu(['the cat sat on the mat'], ['the cat is on the mat'], { smoothMethod: 'none' }).score, 0);
});

test('hand-checked: brevity penalty and effective order (sentenceBleu turns it on, as sacreBLEU)', () => {
  // 2 tokens against 6: BP = exp(1 - 6/2); only orders 1 and 2 have n-grams, both all matched
  const s = sentenceBleu('the cat', 'the cat sat on the mat');
  close(s.bp, Math.exp(-2), 'bp', 1e-15);
  close(s.score, 100 * Math.exp(-2), 'score', 1e-12);
  assert.match(s.signature, /\|eff:yes\|/);
  assert.equal(s.format(), 'BLEU = 13.53 100.0/100.0/0.0/0.0 (BP = 0.135 ratio = 0.333 hyp_len = 2 ref_len = 6)');
  // corpus BLEU averages all 4 orders: the empty ones make it 0
  assert.equal(corpusBleu(['the cat'], ['the cat sat on the mat']).score, 0);
  // the closest reference length, the shorter on a tie (5 tokens: 4 and 6 are as close)
  assert.equal(sentenceBleu('a b c d e', ['a b c d e f', 'a b c d']).refLen, 4);
  assert.equal(sentenceBleu('a b c d e', ['a b c d e f g', 'a b']).refLen, 7);
  assert.equal(corpusBleu(['a b c d e'], [['a b c d e f'], ['a b c d']]).refLen, 4);
  // one stream as string[] or as [stream]
  assert.deepEqual(corpusBleu(['x y z w'], ['x y z q']).counts, corpusBleu(['x y z w'], [['x y z q']]).counts);
});

test('signatures and printing follow sacreBLEU 2.x, Python rounding included', () => {
  const opts = { tokenize: 'zh', lowercase: true, smoothMethod: 'floor' } as const;
  assert.equal(
    corpusBleu(['我们 走'], [['我们走'], ['走']], opts).signature,
    'nrefs:2|case:lc|eff:no|tok:zh|smooth:floor[0.10]|version:deepts-sacrebleu-2.6.0',
  );
  assert.match(sentenceBleu('a b', 'a b', { smoothMethod: 'add-k', smoothValue: 2 }).signature, /\|eff:yes\|tok:13a\|smooth:add-k\[2\.00\]\|/);
  // Python's format rounds exact ties to even; toFixed rounds them up
  assert.deepEqual(
    [pyFixed(6.25, 1), pyFixed(0.125, 2), pyFixed(0.375, 2), pyFixed(2.5, 0), pyFixed(3.5, 0), pyFixed(6.35, 1), pyFixed(37.99178, 2), pyFixed(0, 3)],
    ['6.2', '0.12', '0.38', '2', '4', '6.3', '37.99', '0.000'],
  );
  // 1 of 16 unigrams matches: precision 6.25, printed 6.2 as sacreBLEU prints it
  const s = corpusBleu(['a b c d e f g h i j k l m n o p'], ['a']);
  assert.match(s.format(), / 6\.2\/3\.3\/1\.8\/1\.0 \(BP = 1\.000 ratio = 16\.000 hyp_len = 16 ref_len = 1\)$/);
});

test('the package exports the metrics namespace', () => {
  assert.equal(dt.metrics.corpusBleu, corpusBleu);
  assert.equal(typeof dt.metrics.corpusChrf, 'function');
});

test('bad input: errors name the function, what was given and what was expected', () => {
  const t = (fn: () => unknown, type: typeof TypeError | typeof RangeError, re: RegExp) =>
    assert.throws(fn, (e: Error) => e instanceof type && re.test(e.message));
  t(() => corpusBleu(['a', 'b'], ['a']), RangeError, /^corpusBleu: references has 1 segments but hypotheses has 2 \(a reference stream holds/);
  t(() => corpusBleu(['a'], [['a'], ['b', 'c']]), RangeError, /^corpusBleu: references\[1\] has 2 segments but hypotheses has 1/);
  t(() => corpusBleu(['a', 3 as unknown as string], ['a', 'b']), TypeError, /^corpusBleu: hypotheses\[1\] must be a string, got 3$/);
  t(() => corpusBleu(['a'], [['a'], [null as unknown as string]]), TypeError, /^corpusBleu: references\[1\]\[0\] must be a string, got null$/);
  t(() => corpusBleu('a b' as unknown as string[], ['a']), TypeError, /^corpusBleu: hypotheses must be an array of strings, got 'a b'$/);
  t(() => corpusBleu(['a'], []), TypeError, /^corpusBleu: references must be a reference stream \(string\[\]\) or a non-empty array of streams/);
  t(() => corpusBleu([], []), RangeError, /^corpusBleu: empty corpus \(no hypotheses\)$/);
  t(() => sentenceBleu(5 as unknown as string, 'a'), TypeError, /^sentenceBleu: hypothesis must be a string, got 5$/);
  t(() => sentenceBleu('a', []), RangeError, /^sentenceBleu: no references$/);
  t(
    () => corpusBleu(['a'], ['a'], { tokenizer: 'zh' } as object),
    TypeError,
    /^corpusBleu: unknown option 'tokenizer' \(did you mean 'tokenize'\?\); accepted: tokenize, /,
  );
  t(() => corpusBleu(['a'], ['a'], { smooth_method: 'floor' } as object), TypeError, /unknown option 'smooth_method' \(did you mean 'smoothMethod'\?\)/);
  t(() => corpusBleu(['a'], ['a'], { tokenize: 'intl' as '13a' }), RangeError, /^corpusBleu: tokenize must be one of '13a', 'zh', 'char', 'none', got 'intl'$/);
  t(
    () => sentenceBleu('a', 'a', { smoothMethod: 'add-one' as 'add-k' }),
    RangeError,
    /^sentenceBleu: smoothMethod must be one of 'exp', 'none', 'floor', 'add-k', got 'add-one'/,
  );
  t(() => corpusBleu(['a'], ['a'], { maxNgramOrder: 0 }), RangeError, /^corpusBleu: maxNgramOrder must be a positive integer, got 0$/);
  t(() => corpusBleu(['a'], ['a'], { lowercase: 'yes' as unknown as boolean }), TypeError, /^corpusBleu: lowercase must be true or false/);
  t(() => corpusBleu(['a'], ['a']).format({ digits: 2 } as object), TypeError, /^BleuScore\.format: unknown option 'digits'/);
});
