// corpusChrf/sentenceChrf against sacreBLEU 2.6.0's CHRF: the fixture script's chrF, computed from
// the definitions, and cases computed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusChrf, sentenceChrf } from '../../src/metrics/index.js';
import { fixture } from './fixture.js';

const close = (actual: number, expected: number, what: string, tol = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} != ${expected}`);

test('corpus chrF and chrF++ match the fixture script', () => {
  assert.ok(fixture.chrf.length >= 10);
  for (const c of fixture.chrf) {
    const { hypotheses, references } = fixture.corpora[c.corpus]!;
    close(corpusChrf(hypotheses, references, c.options).score, c.score, `${c.corpus} ${JSON.stringify(c.options)}`);
  }
});

test('hand-checked chrF values', () => {
  // charOrder 2, 'abc' vs 'abcd': 1-grams P 3/3 R 3/4, 2-grams P 2/2 R 2/3; P̄ = 1, R̄ = 17/24;
  // F2 = 5·P̄·R̄ / (4·P̄ + R̄) = (85/24) / (113/24) = 85/113
  close(sentenceChrf('abc', 'abcd', { charOrder: 2 }).score, 8500 / 113, 'abc', 1e-12);
  // 'okay then' vs 'ok' (whitespace removed): 1-grams P 2/8 R 1, 2-grams P 1/7 R 1; orders 3..6
  // have no reference n-grams and drop out: P̄ = 11/56, R̄ = 1, F2 = (55/56) / (100/56) = 0.55
  close(sentenceChrf('okay then', 'ok').score, 55, 'okay', 1e-12);
  // word unigrams only, punctuation split off: [the, cat, .] vs [the, dog, .]: P = R = 2/3
  close(sentenceChrf('the cat.', 'the dog.', { charOrder: 0, wordOrder: 1 }).score, 200 / 3, 'words', 1e-12);
  assert.equal(corpusChrf(['Hello there!', '你好'], ['Hello there!', '你好']).score, 100);
  // the reference with the best F-score is used
  assert.equal(sentenceChrf('abc', ['xyz', 'abc']).score, 100);
  assert.equal(sentenceChrf('abc', 'xyz').score, 0);
});

test('names, signatures and printing follow sacreBLEU 2.x', () => {
  const s = corpusChrf(['the cat sat'], ['the cat sat down']);
  assert.equal(s.name, 'chrF2');
  assert.equal(s.signature, 'nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:deepts-sacrebleu-2.6.0');
  assert.match(s.format(), /^chrF2 = \d+\.\d\d$/);
  const pp = corpusChrf(['the cat sat'], [['the cat sat down'], ['a cat']], { wordOrder: 2, lowercase: true, whitespace: true, epsSmoothing: true });
  assert.equal(pp.name, 'chrF2++');
  assert.equal(pp.signature, 'nrefs:2|case:lc|eff:no|nc:6|nw:2|space:yes|version:deepts-sacrebleu-2.6.0');
  assert.equal(pp.format({ signature: true, width: 1 }), `chrF2++|${pp.signature} = ${pp.score.toFixed(1)}`);
});

test('bad input: errors name the function, what was given and what was expected', () => {
  const t = (fn: () => unknown, type: typeof TypeError | typeof RangeError, re: RegExp) =>
    assert.throws(fn, (e: Error) => e instanceof type && re.test(e.message));
  t(() => corpusChrf(['a', 'b'], ['a']), RangeError, /^corpusChrf: references has 1 segments but hypotheses has 2/);
  t(() => corpusChrf(['a'], [1 as unknown as string]), TypeError, /^corpusChrf: references\[0\] must be an array of strings, got 1$/);
  t(() => corpusChrf([], []), RangeError, /^corpusChrf: empty corpus/);
  t(() => sentenceChrf(null as unknown as string, 'a'), TypeError, /^sentenceChrf: hypothesis must be a string, got null$/);
  t(
    () => corpusChrf(['a'], ['a'], { char_order: 4 } as object),
    TypeError,
    /^corpusChrf: unknown option 'char_order' \(did you mean 'charOrder'\?\); accepted: charOrder, /,
  );
  t(() => corpusChrf(['a'], ['a'], { wordOrder: 1.5 }), RangeError, /^corpusChrf: wordOrder must be a non-negative integer, got 1\.5$/);
  t(() => corpusChrf(['a'], ['a'], { charOrder: 0 }), RangeError, /^corpusChrf: charOrder \+ wordOrder must be at least 1, got 0$/);
  t(() => corpusChrf(['a'], ['a'], { beta: -1 }), RangeError, /^corpusChrf: beta must be a number >= 0, got -1$/);
  t(() => sentenceChrf('a', 'a', { whitespace: 1 as unknown as boolean }), TypeError, /^sentenceChrf: whitespace must be true or false/);
});
