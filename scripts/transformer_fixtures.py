#!/usr/bin/env python3
"""PyTorch reference fixtures for deepts' nn.Transformer (test/nn/transformer-torch.test.ts).

Run with Debian's python (torch 1.13 + numpy):  /usr/bin/python3 scripts/transformer_fixtures.py
Writes fixtures/transformer/transformer.json. Deterministic: re-running gives the same file.

"cases": small nn.Transformer models (d 16, 2 heads, 2 + 2 layers, feed-forward 32), post-norm and
norm_first, batch first and not, each with its state dict (PyTorch's keys), a batch of 2 with
source and target padding and the causal tgt_mask (and, for norm_first, a float src_mask and a
3-D bool memory_mask), and what PyTorch gives in eval mode: the output and the gradients of
sum(output * r) for src, tgt and (but for the sequence-first case) every parameter. The inputs
require grad, so PyTorch takes its ordinary path, not the inference fast path (nested tensors
zero the padded positions).

"crossEntropy": F.cross_entropy with label_smoothing and ignore_index (with and without class
weights; mean, sum and none), the loss and the gradient of the logits.
Tensors are {"shape": [...], "f32": base64 of little-endian float32}.
"""
import functools
import os
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

import fixture_io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'transformer')
write = functools.partial(fixture_io.write_json, OUT)


t2j = fixture_io.f32_tensor


def bools(t):
    return t.tolist()


def padding(lengths, n):
    return torch.arange(n)[None, :] >= torch.tensor(lengths)[:, None]  # True at padding


def case(name, norm_first, batch_first=True, activation='relu', src_lengths=(6, 4), tgt_lengths=(5, 3), extra_masks=False, param_grads=True, S=6, T=5, B=2, d=16, H=2):
    torch.manual_seed(zlib.crc32(name.encode()) % 1000)
    m = nn.Transformer(d_model=d, nhead=H, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=32, dropout=0.1,
                       activation=activation, batch_first=batch_first, norm_first=norm_first)
    m.eval()
    with torch.no_grad():  # LayerNorms away from 1/0 and nonzero attention biases, so every parameter matters
        for k, p in m.named_parameters():
            if p.dim() == 1:
                p.add_(0.1 * torch.randn_like(p))
    src = torch.randn(*((B, S, d) if batch_first else (S, B, d)), requires_grad=True)
    tgt = torch.randn(*((B, T, d) if batch_first else (T, B, d)), requires_grad=True)
    src_pad, tgt_pad = padding(src_lengths, S), padding(tgt_lengths, T)
    kw = dict(tgt_mask=nn.Transformer.generate_square_subsequent_mask(T), src_key_padding_mask=src_pad,
              tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=src_pad)
    c = {'name': name, 'normFirst': norm_first, 'batchFirst': batch_first, 'activation': activation, 'dModel': d, 'nhead': H,
         'numEncoderLayers': 2, 'numDecoderLayers': 2, 'dimFeedforward': 32,
         'srcKeyPaddingMask': bools(src_pad), 'tgtKeyPaddingMask': bools(tgt_pad)}
    if extra_masks:
        src_mask = 0.5 * torch.randn(S, S)  # a float mask is added to the scores
        memory_mask = torch.rand(B * H, T, S) < 0.3  # per (batch, head); True = not allowed
        memory_mask[:, :, 0] = False  # every query sees a real source token
        kw.update(src_mask=src_mask, memory_mask=memory_mask)
        c['srcMask'], c['memoryMask'] = t2j(src_mask), bools(memory_mask)
    out = m(src, tgt, **kw)
    r = torch.randn_like(out)
    (out * r).sum().backward()
    c.update({'src': t2j(src), 'tgt': t2j(tgt), 'out': t2j(out), 'r': t2j(r), 'dsrc': t2j(src.grad), 'dtgt': t2j(tgt.grad),
              'state': {k: t2j(v) for k, v in m.state_dict().items()}})
    if param_grads:
        c['grads'] = {k: t2j(p.grad) for k, p in m.named_parameters()}
    return c


def cross_entropy_case(name, reduction, label_smoothing, weighted, flat, B=2, T=5, V=7):
    torch.manual_seed(zlib.crc32(name.encode()) % 1000)
    logits = torch.randn(B, V, T)
    target = torch.randint(1, V, (B, T))
    target[0, 4:] = 0  # padding, ignored
    target[1, 2:] = 0
    if flat:  # (N, C) rows
        logits, target = logits.permute(0, 2, 1).reshape(-1, V), target.reshape(-1)
    logits.requires_grad_()
    weight = torch.rand(V) + 0.5 if weighted else None
    loss = F.cross_entropy(logits, target, weight=weight, ignore_index=0, reduction=reduction, label_smoothing=label_smoothing)
    r = torch.randn_like(loss)
    (loss * r).sum().backward()
    c = {'name': name, 'reduction': reduction, 'labelSmoothing': label_smoothing, 'ignoreIndex': 0, 'logits': t2j(logits),
         'target': target.reshape(-1).tolist(), 'targetShape': list(target.shape), 'loss': t2j(loss), 'r': t2j(r), 'dlogits': t2j(logits.grad)}
    if weight is not None:
        c['weight'] = t2j(weight)
    return c


def main():
    cases = [
        case('post-norm', norm_first=False),
        case('norm-first-masks', norm_first=True, extra_masks=True, src_lengths=(3, 6), tgt_lengths=(2, 5)),
        case('post-norm-gelu-seq-first', norm_first=False, batch_first=False, activation='gelu', param_grads=False),
    ]
    ce = [
        cross_entropy_case('ls-ignore-mean', 'mean', 0.1, weighted=False, flat=False),
        cross_entropy_case('ls-ignore-weight-mean', 'mean', 0.1, weighted=True, flat=True),
        cross_entropy_case('ls-ignore-weight-sum', 'sum', 0.2, weighted=True, flat=False),
        cross_entropy_case('ls-ignore-none', 'none', 0.1, weighted=False, flat=False),
    ]
    write('transformer.json', {'cases': cases, 'crossEntropy': ce})


if __name__ == '__main__':
    main()
