#!/usr/bin/env python3
"""PyTorch reference fixtures for deepts' CNN ops and layers (test/models/cnn-torch.test.ts).

Run with Debian's python (torch 1.13 + numpy):  /usr/bin/python3 scripts/cnn_fixtures.py
Writes small JSON files into fixtures/cnn/. Deterministic: re-running gives the same files.
Tensors are stored as {"shape": [...], "f32": base64 of the little-endian float32 values}; each case
stores its inputs, its outputs and the gradients of sum(output * r) for a stored random r.
"""
import base64
import functools
import math
import os

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F

import fixture_io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'cnn')


def t2j(t):
    a = t.detach().to(torch.float32).reshape(-1).numpy().astype('<f4')
    return {'shape': list(t.shape), 'f32': base64.b64encode(a.tobytes()).decode('ascii')}


write = functools.partial(fixture_io.write_json, OUT)


def leaves(*shapes):
    return [torch.randn(*s, requires_grad=True) for s in shapes]


def backward_with_r(y):
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return r


# ---- conv2d: stride 2, padding 1, dilation 2, groups 2 (the case), and LeNet's layers ----
def conv2d_cases():
    torch.manual_seed(1)
    cases = []
    for name, xs, ws, kw in [
        ('stride2-pad1-dil2-groups2', (2, 4, 9, 9), (6, 2, 3, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
        ('lenet-conv1', (2, 1, 28, 28), (6, 1, 5, 5), dict(padding=2)),
        ('lenet-conv2', (2, 6, 14, 14), (16, 6, 5, 5), dict()),
        ('resnet-stem', (1, 3, 23, 23), (8, 3, 7, 7), dict(stride=2, padding=3)),
        ('rect-stride', (1, 3, 8, 11), (4, 3, 2, 3), dict(stride=(2, 1), padding=(0, 1), dilation=(1, 2))),
    ]:
        x, w, b = leaves(xs, ws, (ws[0],))
        y = F.conv2d(x, w, b, **kw)
        r = backward_with_r(y)
        opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        cases.append({'name': name, 'opts': opts, 'x': t2j(x), 'w': t2j(w), 'b': t2j(b), 'y': t2j(y), 'r': t2j(r),
                      'dx': t2j(x.grad), 'dw': t2j(w.grad), 'db': t2j(b.grad)})
    write('conv2d.json', cases)


def conv1d_cases():
    torch.manual_seed(2)
    x, w, b = leaves((2, 4, 13), (6, 2, 3), (6,))
    y = F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2)
    r = backward_with_r(y)
    write('conv1d.json', [{'name': 'stride2-pad1-dil2-groups2', 'opts': dict(stride=2, padding=1, dilation=2, groups=2),
                           'x': t2j(x), 'w': t2j(w), 'b': t2j(b), 'y': t2j(y), 'r': t2j(r), 'dx': t2j(x.grad), 'dw': t2j(w.grad), 'db': t2j(b.grad)}])


def conv_transpose_cases():
    torch.manual_seed(3)
    cases = []
    for name, xs, ws, kw in [
        ('dcgan-up', (2, 4, 5, 5), (4, 3, 4, 4), dict(stride=2, padding=1)),
        ('stride2-pad1-outpad1', (2, 4, 5, 5), (4, 3, 3, 3), dict(stride=2, padding=1, output_padding=1)),
        ('groups2-dil2', (1, 4, 4, 3), (4, 2, 3, 2), dict(stride=(1, 2), padding=(1, 0), dilation=2, groups=2, output_padding=(0, 1))),
    ]:
        x, w, b = leaves(xs, ws, (ws[1] * kw.get('groups', 1),))
        y = F.conv_transpose2d(x, w, b, **kw)
        r = backward_with_r(y)
        opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        if 'output_padding' in opts:
            opts['outputPadding'] = opts.pop('output_padding')
        cases.append({'name': name, 'opts': opts, 'x': t2j(x), 'w': t2j(w), 'b': t2j(b), 'y': t2j(y), 'r': t2j(r),
                      'dx': t2j(x.grad), 'dw': t2j(w.grad), 'db': t2j(b.grad)})
    write('conv_transpose2d.json', cases)


def pool_cases():
    torch.manual_seed(4)
    cases = []
    for name, xs, kind, kw in [
        ('max-2x2', (2, 3, 8, 8), 'max', dict(kernel_size=2)),
        ('max-3x3-s2-p1', (2, 3, 9, 9), 'max', dict(kernel_size=3, stride=2, padding=1)),
        ('max-ceil', (1, 2, 7, 7), 'max', dict(kernel_size=2, stride=2, ceil_mode=True)),
        ('max-dilated', (1, 2, 9, 8), 'max', dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(2, 3))),
        ('avg-2x2', (2, 3, 8, 8), 'avg', dict(kernel_size=2)),
        ('avg-3x3-s2-p1-nopad-ceil', (1, 2, 8, 9), 'avg', dict(kernel_size=3, stride=2, padding=1, count_include_pad=False, ceil_mode=True)),
        ('avg-3x3-s2-p1-pad', (1, 2, 8, 9), 'avg', dict(kernel_size=3, stride=2, padding=1)),
        ('adaptive-7x5-to-3x2', (2, 3, 7, 5), 'adaptive', dict(output_size=(3, 2))),
        ('global', (2, 3, 6, 6), 'adaptive', dict(output_size=1)),
    ]:
        (x,) = leaves(xs)
        idx = None
        if kind == 'max':
            y, idx = F.max_pool2d(x, return_indices=True, **kw)
        elif kind == 'avg':
            y = F.avg_pool2d(x, **kw)
        else:
            y = F.adaptive_avg_pool2d(x, **kw)
        r = backward_with_r(y)
        ren = {'kernel_size': 'kernelSize', 'ceil_mode': 'ceilMode', 'count_include_pad': 'countIncludePad', 'output_size': 'outputSize'}
        opts = {ren.get(k, k): (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        case = {'name': name, 'kind': kind, 'opts': opts, 'x': t2j(x), 'y': t2j(y), 'r': t2j(r), 'dx': t2j(x.grad)}
        if idx is not None:
            case['indices'] = {'shape': list(idx.shape), 'data': idx.reshape(-1).tolist()}
        cases.append(case)
    write('pool.json', cases)


def batchnorm_cases():
    torch.manual_seed(5)
    cases = []
    for name, cls, xs in [('bn2d', nn.BatchNorm2d, (4, 3, 5, 5)), ('bn1d-2d', nn.BatchNorm1d, (8, 5)), ('bn1d-3d', nn.BatchNorm1d, (4, 3, 6))]:
        bn = cls(xs[1])
        with torch.no_grad():
            bn.weight.copy_(torch.rand(xs[1]) + 0.5)
            bn.bias.copy_(torch.randn(xs[1]))
        w0, b0 = bn.weight.detach().clone(), bn.bias.detach().clone()
        # a training step: output and gradients, and the running statistics after it
        (x,) = leaves(xs)
        x1 = (x.detach() * 2 + 1).requires_grad_(True)
        y = bn(x1)
        r = backward_with_r(y)
        after1 = {'runningMean': t2j(bn.running_mean), 'runningVar': t2j(bn.running_var)}
        x2 = torch.randn(*xs) * 0.5 - 1
        bn(x2)
        after2 = {'runningMean': t2j(bn.running_mean), 'runningVar': t2j(bn.running_var), 'numBatchesTracked': int(bn.num_batches_tracked)}
        bn.eval()
        x3 = torch.randn(*xs)
        y3 = bn(x3)
        cases.append({'name': name, 'weight': t2j(w0), 'bias': t2j(b0), 'x': t2j(x1), 'y': t2j(y), 'r': t2j(r),
                      'dx': t2j(x1.grad), 'dweight': t2j(bn.weight.grad), 'dbias': t2j(bn.bias.grad),
                      'after1': after1, 'x2': t2j(x2), 'after2': after2, 'x3': t2j(x3), 'evalY': t2j(y3)})
    write('batchnorm.json', cases)


# ---- LeNet-5 as deepts builds it: forward, loss and every gradient for given weights ----
class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def formula_weights(model):
    """Weights from a formula both sides compute (so they need not be stored): parameter j, element i
    is amp·sin(0.37·i + 1.3·j + 0.5), amp = 1/sqrt(fan in) for weights and 0.1 for biases."""
    with torch.no_grad():
        for j, (name, p) in enumerate(model.named_parameters()):
            n = p.numel()
            amp = 1 / math.sqrt(n / p.shape[0]) if p.dim() > 1 else 0.1
            v = amp * np.sin(0.37 * np.arange(n, dtype=np.float64) + 1.3 * j + 0.5)
            p.copy_(torch.tensor(v.astype(np.float32)).reshape(p.shape))


def lenet_case():
    torch.manual_seed(6)
    m = LeNet5()
    formula_weights(m)
    x = torch.randn(4, 1, 28, 28)
    y = torch.tensor([3, 1, 4, 1])
    logits = m(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    grads = {k: t2j(p.grad) for k, p in m.named_parameters()}
    write('lenet5.json', {'x': t2j(x), 'y': y.tolist(), 'logits': t2j(logits), 'loss': loss.item(), 'grads': grads})


if __name__ == '__main__':
    conv2d_cases()
    conv1d_cases()
    conv_transpose_cases()
    pool_cases()
    batchnorm_cases()
    lenet_case()
