import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mlp } from '../../src/models/mlp.js';
import { Generator } from '../../src/tensor/generator.js';
import { zeros } from '../../src/tensor/creation.js';

test('mlp builds Linear + activation per hidden layer and a Linear output', () => {
  const m = mlp({ inputs: 3, hidden: [8, 4], outputs: 2, activation: 'tanh', dropout: 0.1 });
  assert.deepEqual(
    m.children().map((c) => c.constructor.name),
    ['Linear', 'Tanh', 'Dropout', 'Linear', 'Tanh', 'Dropout', 'Linear'],
  );
  assert.equal(m.numParameters(), 3 * 8 + 8 + 8 * 4 + 4 + 4 * 2 + 2);
  assert.deepEqual(m.forward(zeros([5, 3])).shape, [5, 2]);
});

test('mlp with maxout uses Maxout layers of 2 pieces in place of Linear + activation', () => {
  const m = mlp({ inputs: 2, hidden: [4], outputs: 1, activation: 'maxout' });
  assert.deepEqual(
    m.children().map((c) => c.constructor.name),
    ['Maxout', 'Linear'],
  );
  assert.equal(m.numParameters(), 2 * 8 + 8 + 4 + 1);
  assert.deepEqual(m.forward(zeros([3, 2])).shape, [3, 1]);
});

test('mlp with no hidden layers is a linear model; the generator makes init reproducible', () => {
  assert.deepEqual(
    mlp({ inputs: 2, hidden: [], outputs: 1, activation: 'linear' })
      .children()
      .map((c) => c.constructor.name),
    ['Linear'],
  );
  const a = mlp({ inputs: 2, hidden: [3], outputs: 2, generator: new Generator(4) });
  const b = mlp({ inputs: 2, hidden: [3], outputs: 2, generator: new Generator(4) });
  assert.deepEqual(
    a.parameters().map((p) => p.toArray()),
    b.parameters().map((p) => p.toArray()),
  );
});

test('mlp errors name the option', () => {
  assert.throws(() => mlp({ inputs: 2, hidden: [0], outputs: 1 }), /mlp: hidden\[0\] must be a positive integer, got 0/);
  assert.throws(() => mlp({ inputs: 2, hidden: [], outputs: 1, activation: 'swish' as never }), /mlp: unknown activation 'swish', expected one of relu, tanh/);
  assert.throws(() => mlp({ inputs: 2, hidden: [2], outputs: 1, dropout: 1 }), /mlp: dropout must be in \[0, 1\), got 1/);
});
