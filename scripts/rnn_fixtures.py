#!/usr/bin/env python3
"""PyTorch reference fixtures for deepts' recurrent layers (test/nn/rnn-torch.test.ts).

Run with Debian's python (torch 1.13 + numpy):  /usr/bin/python3 scripts/rnn_fixtures.py
Writes fixtures/rnn/rnn.json. Deterministic: re-running gives the same file. Each case is a module
(2-layer bidirectional LSTM and GRU, and smaller ones) with its state dict, a packed batch of
unequal lengths (unsorted, enforce_sorted=False) or a padded batch, an initial state, and what
PyTorch gives: the output, the final states, and the gradients of
sum(output * r) + sum(h_n * rh) (+ sum(c_n * rc)) for every parameter, the input and the initial state.
Tensors are {"shape": [...], "f32": base64 of little-endian float32}.
"""
import functools
import os
import zlib

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import fixture_io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'rnn')
write = functools.partial(fixture_io.write_json, OUT)


t2j = fixture_io.f32_tensor


def case(name, mode, opts, lengths=None, batch_first=False, with_state=True, T=6, B=4, I=5, H=7):
    torch.manual_seed(zlib.crc32(name.encode()) % 1000)
    cls = {'LSTM': nn.LSTM, 'GRU': nn.GRU, 'RNN_TANH': nn.RNN, 'RNN_RELU': nn.RNN}[mode]
    kw = dict(opts)
    if mode == 'RNN_RELU':
        kw['nonlinearity'] = 'relu'
    m = cls(I, H, batch_first=batch_first, **kw)
    D = 2 if kw.get('bidirectional') else 1
    L = kw.get('num_layers', 1)
    x = torch.randn(*((B, T, I) if batch_first else (T, B, I)), requires_grad=True)
    h0 = torch.randn(D * L, B, H, requires_grad=True) if with_state else None
    c0 = torch.randn(D * L, B, H, requires_grad=True) if with_state and mode == 'LSTM' else None
    hx = (h0, c0) if mode == 'LSTM' and with_state else h0
    inp = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False) if lengths else x
    out, state = m(inp, hx)
    if lengths:
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    h_n, c_n = state if mode == 'LSTM' else (state, None)
    r, rh = torch.randn_like(out), torch.randn_like(h_n)
    loss = (out * r).sum() + (h_n * rh).sum()
    rc = None
    if c_n is not None:
        rc = torch.randn_like(c_n)
        loss = loss + (c_n * rc).sum()
    loss.backward()
    c = {'name': name, 'mode': mode, 'inputSize': I, 'hiddenSize': H, 'numLayers': L, 'bidirectional': D == 2, 'batchFirst': batch_first,
         'lengths': lengths, 'x': t2j(x), 'out': t2j(out), 'hN': t2j(h_n), 'r': t2j(r), 'rh': t2j(rh), 'dx': t2j(x.grad),
         'state': {k: t2j(v) for k, v in m.state_dict().items()}, 'grads': {k: t2j(p.grad) for k, p in m.named_parameters()}}
    if h0 is not None:
        c['h0'], c['dh0'] = t2j(h0), t2j(h0.grad)
    if c0 is not None:
        c['c0'], c['dc0'] = t2j(c0), t2j(c0.grad)
    if c_n is not None:
        c['cN'], c['rc'] = t2j(c_n), t2j(rc)
    return c


def main():
    cases = [
        case('lstm-2layer-bidirectional-packed', 'LSTM', dict(num_layers=2, bidirectional=True), lengths=[4, 6, 1, 3]),
        case('gru-2layer-bidirectional-packed', 'GRU', dict(num_layers=2, bidirectional=True), lengths=[4, 6, 1, 3]),
        case('lstm-batch-first-padded-no-state', 'LSTM', dict(), batch_first=True, with_state=False),
        case('gru-no-bias-packed-batch-first', 'GRU', dict(bias=False), lengths=[2, 5, 5, 3], batch_first=True),
        case('rnn-tanh-2layer-packed', 'RNN_TANH', dict(num_layers=2), lengths=[6, 2, 3, 1]),
        case('rnn-relu-bidirectional', 'RNN_RELU', dict(bidirectional=True)),
    ]
    write('rnn.json', cases)


if __name__ == '__main__':
    main()
