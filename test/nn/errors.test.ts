// The remaining bad-input errors of nn: each names the op and what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { zeros } from '../../src/tensor/creation.js';

test('nn errors: Parameter, registerBuffer, loadStateDict input, init, containers', () => {
  assert.throws(() => new nn.Parameter([1, 2] as unknown as Tensor), /Parameter: expected a Tensor, got object/);
  const lin = new nn.Linear(2, 2);
  assert.throws(() => lin.registerBuffer('b', 3 as unknown as Tensor), /registerBuffer: 'b' must be a Tensor or null, got number/);
  assert.throws(() => lin.registerModule('', null), /registerModule: name must be a non-empty string without '\.', got "" on Linear/);
  assert.throws(() => lin.loadStateDict(null as unknown as nn.StateDict), /loadStateDict: expected an object of name -> Tensor, got null/);
  assert.throws(() => nn.init.calculateGain('leaky_relu', NaN), /calculateGain: negative slope NaN is not a valid number/);
  assert.throws(() => nn.init.kaimingUniform_(zeros([3, 0])), /kaimingUniform_: cannot initialize a tensor with zero fan, shape \(3,0\)/);
  assert.throws(() => new nn.Linear(2, -1), /Linear: outFeatures must be a non-negative integer, got -1/);
  const list = new nn.ModuleList([new nn.ReLU()]);
  assert.throws(() => list.at(1), /ModuleList.at: index 1 is out of range for 1 modules/);
  assert.throws(() => list.append({} as nn.Module), /ModuleList.append: element 1 is not an nn.Module \(got object\)/);
  assert.throws(() => new nn.Sequential().append(null as unknown as nn.Module), /Sequential.append: element 0 is not an nn.Module \(got null\)/);
});
