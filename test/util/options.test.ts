// The run-time argument checks of src/util/options.ts: unknown options (with the suggestion),
// numbers, booleans, enums, dtypes, and PyTorch's positional and keyword forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import {
  camelCase,
  checkBoolean,
  checkDtype,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  isPlainObject,
  numberOption,
  optionKeys,
  positionalOptions,
  POSITIVE_INTEGER,
  suggestName,
  unknownOptionMessage,
} from '../../src/util/options.js';

const ADAM = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'];

test('checkOptions: an unknown key names itself, the accepted keys and the camelCase spelling', () => {
  assert.throws(
    () => checkOptions('optim.Adam', { lr: 1, weight_decay: 0.1 }, ADAM),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, "optim.Adam: unknown option 'weight_decay' (did you mean 'weightDecay'?); accepted: lr, betas, eps, weightDecay, amsgrad");
      return true;
    },
  );
  // near misses (edit distance ≤ 2), case and separators
  assert.match(unknownOptionMessage('Conv2d', 'strides', ['stride', 'padding']), /unknown option 'strides' \(did you mean 'stride'\?\)/);
  assert.match(unknownOptionMessage('Adam', 'WeightDecay', ADAM), /did you mean 'weightDecay'/);
  assert.match(unknownOptionMessage('Adam', 'weight-decay', ADAM), /did you mean 'weightDecay'/);
  assert.match(unknownOptionMessage('SGD', 'momentun', ['lr', 'momentum']), /did you mean 'momentum'/);
  // nothing close: no suggestion, but the camelCase note for a snake_case key
  assert.equal(
    unknownOptionMessage('x', 'bogus_key', ['lr']),
    "x: unknown option 'bogus_key' (deepts spells options in camelCase, but 'bogusKey' is not one either); accepted: lr",
  );
  assert.equal(unknownOptionMessage('x', 'zzz', ['lr']), "x: unknown option 'zzz'; accepted: lr");
  assert.equal(unknownOptionMessage('x', 'a', []), "x: unknown option 'a'; accepted: none");
});

test('checkOptions: undefined and plain objects pass; anything else is a TypeError', () => {
  checkOptions('f', undefined, ['a']);
  checkOptions('f', {}, ['a']);
  checkOptions('f', { a: 1 }, ['a']);
  checkOptions('f', Object.assign(Object.create(null), { a: 1 }), ['a']);
  checkOptions('f', JSON.parse('{"a": 2}'), ['a']);
  for (const bad of [null, 3, 'a', true, [1], dt.zeros([1]), new Map(), () => 1]) {
    assert.throws(
      () => checkOptions('f', bad, ['a', 'b']),
      (e: Error) => e instanceof TypeError && /^f: expected an options object \{a, b\}, got /.test(e.message),
    );
  }
  assert.throws(() => checkOptions('f', dt.zeros([1]), ['a']), /got a Tensor/);
});

test('checkOptions: dtype and generator are checked wherever they are accepted', () => {
  checkOptions('f', { dtype: 'float64', generator: new dt.Generator(1) }, ['dtype', 'generator']);
  checkOptions('f', { generator: null }, ['generator']);
  assert.throws(
    () => checkOptions('f', { dtype: 'int64' }, ['dtype']),
    /^TypeError: f: unknown dtype 'int64'; expected one of float32, float64, int32, bool \(deepts stores int64 as int32\)$/,
  );
  assert.throws(() => checkOptions('f', { generator: { seed: 1 } }, ['generator']), /f: generator must be a Generator, got an object \{seed\}/);
});

test('checkNumber, checkBoolean, checkOneOf, checkDtype', () => {
  checkNumber('f', 'n', 3);
  checkNumber('f', 'n', NaN); // no rule: only the type
  checkNumber('f', 'n', 3, POSITIVE_INTEGER);
  assert.throws(
    () => checkNumber('f', 'n', { n: 3 }),
    (e: Error) => e instanceof TypeError && e.message === 'f: n must be a number, got an object {n}',
  );
  assert.throws(() => checkNumber('f', 'n', '3'), /f: n must be a number, got '3'/);
  assert.throws(
    () => checkNumber('f', 'n', 0, POSITIVE_INTEGER),
    (e: Error) => e instanceof RangeError && e.message === 'f: n must be a positive integer, got 0',
  );
  assert.throws(() => checkNumber('f', 'n', NaN, { min: 0 }), /f: n must be a number >= 0, got NaN/);
  assert.throws(() => checkNumber('f', 'p', 2, { min: 0, max: 1 }), /f: p must be a number in \[0, 1\], got 2/);
  checkBoolean('f', 'b', false);
  assert.throws(() => checkBoolean('f', 'b', 1), /f: b must be true or false, got 1/);
  checkOneOf('f', 'mode', 'sum', ['mean', 'sum']);
  assert.throws(
    () => checkOneOf('f', 'mode', 'summ', ['mean', 'sum']),
    (e: Error) => e instanceof RangeError && e.message === "f: mode must be one of 'mean', 'sum', got 'summ' (did you mean 'sum'?)",
  );
  assert.throws(() => checkOneOf('f', 'mode', { mode: 'sum' }, ['mean', 'sum']), TypeError);
  for (const d of dt.DTYPES) checkDtype('f', d);
  assert.throws(() => checkDtype('ones', 'int64'), /^TypeError: ones: unknown dtype 'int64'; expected one of float32, float64, int32, bool/);
  assert.throws(() => checkDtype('f', undefined), /f: unknown dtype undefined/);
});

test('positionalOptions: an options object, PyTorch positionals, or positionals then the rest as an object', () => {
  const names = ['stride', 'padding', 'dilation'];
  const o = { stride: 2 };
  assert.equal(positionalOptions('f', o, [], names, names), o); // the object itself: no copy on the common path
  assert.deepEqual(positionalOptions('f', undefined, [], names, names), {});
  assert.deepEqual(positionalOptions('f', 2, [1], names, names), { stride: 2, padding: 1 });
  assert.deepEqual(positionalOptions('f', [2, 3], [], names, names), { stride: [2, 3] });
  assert.deepEqual(positionalOptions('f', null, [1], names, names), { padding: 1 }); // null is PyTorch's None
  assert.deepEqual(positionalOptions('f', 2, [{ dilation: 2 }], names, names), { stride: 2, dilation: 2 });
  assert.throws(() => positionalOptions('f', 2, [{ stride: 3 }], names, names), /f: got two values for stride/);
  assert.throws(
    () => positionalOptions('f', 2, [1, 1, 1], names, names),
    /f: 4 positional arguments where at most 3 go \(PyTorch's order: stride, padding, dilation\)/,
  );
  assert.throws(() => positionalOptions('f', { stride: 2 }, [1], names, names), /f: the options object must come last/);
  assert.throws(() => positionalOptions('f', { strides: 2 }, [], names, names), /did you mean 'stride'/);
  assert.throws(() => positionalOptions('f', 2, [{ strides: 2 }], names, names), /did you mean 'stride'/);
});

test('numberOption: a number or {name: number}', () => {
  assert.equal(numberOption('f', 'alpha', 0.5, 1), 0.5);
  assert.equal(numberOption('f', 'alpha', undefined, 1), 1);
  assert.equal(numberOption('f', 'alpha', { alpha: 0.25 }, 1), 0.25);
  assert.equal(numberOption('f', 'alpha', {}, 1), 1);
  assert.throws(() => numberOption('f', 'alpha', { alfa: 0.25 }, 1), /f: unknown option 'alfa' \(did you mean 'alpha'\?\); accepted: alpha/);
  assert.throws(() => numberOption('f', 'alpha', { alpha: '1' }, 1), /f: alpha must be a number, got '1'/);
  assert.throws(() => numberOption('f', 'alpha', 'x', 1), /f: alpha must be a number \(or \{alpha\}\), got 'x'/);
});

test('small pieces: camelCase, suggestName, describe, isPlainObject, optionKeys', () => {
  assert.equal(camelCase('weight_decay'), 'weightDecay');
  assert.equal(camelCase('requires_grad'), 'requiresGrad');
  assert.equal(camelCase('label-smoothing'), 'labelSmoothing');
  assert.equal(camelCase('lr'), 'lr');
  assert.equal(suggestName('batch_size', ['batchSize', 'shuffle']), 'batchSize');
  assert.equal(suggestName('bogus_key', ['batchSize', 'shuffle']), undefined);
  assert.equal(suggestName('ep', ['eps']), 'eps');
  assert.equal(suggestName('a', ['b']), undefined); // one letter: no fuzzy match
  assert.equal(describe([1, 'a']), "an array [1, 'a']");
  assert.equal(describe({ a: 1, b: 2 }), 'an object {a, b}');
  assert.equal(describe(new dt.Generator(0)), 'a Generator');
  assert.equal(describe(undefined), 'undefined');
  assert.equal(isPlainObject({}), true);
  assert.equal(isPlainObject(dt.zeros([1])), false);
  assert.equal(isPlainObject([]), false);
  assert.deepEqual(optionKeys<{ a?: number; b: string }>({ a: true, b: true }), ['a', 'b']);
});
