#!/usr/bin/env python3
"""PyTorch reference fixtures for deepts' GPT (test/models/gpt-torch.test.ts and others compare against them).

Run with Debian's python (torch 1.13 + numpy):  /usr/bin/python3 scripts/gpt_fixtures.py
Writes, deterministically:
  fixtures/gpt/tiny-gpt.json        nanoGPT's model (written out below, float64) for two tiny configs
                                    (with and without biases): every parameter under deepts' names,
                                    the ids and targets (one target -1, ignored), the logits, the
                                    loss and the gradient of every parameter.
  fixtures/gpt/tiny-gpt2.safetensors  a tiny GPT-2 in Hugging Face's layout (model.safetensors names,
                                    Conv1D weights stored (in, out), the causal-mask buffers
                                    h.N.attn.bias, float32), written with a ~15-line numpy writer;
  fixtures/gpt/tiny-gpt2.json       its config, input ids and the logits of Hugging Face's GPT-2
                                    math (Conv1D x·W + b, gelu_new), computed in float64.
  fixtures/gpt/train-steps.json     nanoGPT's training loop for 30 steps on a short text (float32):
                                    initial weights, batch offsets, and the loss and gradient norm
                                    of every step (AdamW on nanoGPT's groups, β2 0.99, weight decay
                                    0.1, clipping at 1.0, warmup + cosine learning rate).
"""
import functools
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

import fixture_io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'gpt')


def flat(t):
    return {'shape': list(t.shape), 'data': t.detach().reshape(-1).tolist()}


write_json = functools.partial(fixture_io.write_json, OUT)


def write_safetensors(name, tensors):
    header, chunks, offset = {}, [], 0
    header['__metadata__'] = {'format': 'pt'}
    for key, arr in tensors.items():
        data = np.ascontiguousarray(arr, dtype='<f4').tobytes()
        header[key] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(',', ':')).encode()
    head += b' ' * (-len(head) % 8)
    path = os.path.join(OUT, name)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)) + head + b''.join(chunks))
    print(f'wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)')


# ---- nanoGPT's forward, written out with deepts' parameter names ------------------------------

def make_params(cfg, gen):
    C, V, L = cfg['nEmbd'], cfg['vocabSize'], cfg['nLayer']
    p = {}

    def normal(shape, std=0.02):
        return torch.randn(*shape, generator=gen, dtype=torch.float64) * std

    def bias(n):  # non-zero so their gradients and effect are tested
        return torch.randn(n, generator=gen, dtype=torch.float64) * 0.1

    p['transformer.wte.weight'] = normal((V, C), 0.5)
    p['transformer.wpe.weight'] = normal((cfg['blockSize'], C), 0.5)
    for i in range(L):
        h = f'transformer.h.{i}.'
        p[h + 'ln1.weight'] = 1 + bias(C)
        if cfg['bias']: p[h + 'ln1.bias'] = bias(C)
        p[h + 'attn.cAttn.weight'] = normal((3 * C, C), 0.3)
        if cfg['bias']: p[h + 'attn.cAttn.bias'] = bias(3 * C)
        p[h + 'attn.cProj.weight'] = normal((C, C), 0.3)
        if cfg['bias']: p[h + 'attn.cProj.bias'] = bias(C)
        p[h + 'ln2.weight'] = 1 + bias(C)
        if cfg['bias']: p[h + 'ln2.bias'] = bias(C)
        p[h + 'mlp.cFc.weight'] = normal((4 * C, C), 0.3)
        if cfg['bias']: p[h + 'mlp.cFc.bias'] = bias(4 * C)
        p[h + 'mlp.cProj.weight'] = normal((C, 4 * C), 0.3)
        if cfg['bias']: p[h + 'mlp.cProj.bias'] = bias(C)
    p['transformer.lnF.weight'] = 1 + bias(C)
    if cfg['bias']: p['transformer.lnF.bias'] = bias(C)
    for t in p.values():
        t.requires_grad_(True)
    return p


def gpt_forward(p, cfg, idx):
    B, T = idx.shape
    C, nh = cfg['nEmbd'], cfg['nHead']
    get = lambda k: p.get(k)
    x = p['transformer.wte.weight'][idx] + p['transformer.wpe.weight'][:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg['nLayer']):
        h = f'transformer.h.{i}.'
        a = F.layer_norm(x, (C,), get(h + 'ln1.weight'), get(h + 'ln1.bias'), 1e-5)
        qkv = F.linear(a, get(h + 'attn.cAttn.weight'), get(h + 'attn.cAttn.bias'))
        q, k, v = qkv.split(C, dim=2)
        q = q.view(B, T, nh, C // nh).transpose(1, 2)
        k = k.view(B, T, nh, C // nh).transpose(1, 2)
        v = v.view(B, T, nh, C // nh).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(~mask, float('-inf'))
        y = F.softmax(att, dim=-1) @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        x = x + F.linear(y, get(h + 'attn.cProj.weight'), get(h + 'attn.cProj.bias'))
        m = F.layer_norm(x, (C,), get(h + 'ln2.weight'), get(h + 'ln2.bias'), 1e-5)
        m = F.gelu(F.linear(m, get(h + 'mlp.cFc.weight'), get(h + 'mlp.cFc.bias')))
        x = x + F.linear(m, get(h + 'mlp.cProj.weight'), get(h + 'mlp.cProj.bias'))
    x = F.layer_norm(x, (C,), get('transformer.lnF.weight'), get('transformer.lnF.bias'), 1e-5)
    return x @ p['transformer.wte.weight'].t()  # the tied lm head


def tiny_gpt_case(cfg, seed):
    gen = torch.Generator().manual_seed(seed)
    p = make_params(cfg, gen)
    B, T = 2, cfg['blockSize']
    idx = torch.randint(0, cfg['vocabSize'], (B, T), generator=gen)
    targets = torch.randint(0, cfg['vocabSize'], (B, T), generator=gen)
    targets[1, 3] = -1
    logits = gpt_forward(p, cfg, idx)
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
    loss.backward()
    return {
        'config': cfg,
        'params': {k: flat(v) for k, v in p.items()},
        'idx': idx.reshape(-1).tolist(), 'targets': targets.reshape(-1).tolist(), 'B': B, 'T': T,
        'logits': flat(logits), 'loss': loss.item(),
        'grads': {k: flat(v.grad) for k, v in p.items()},
    }


# ---- a tiny GPT-2 in Hugging Face's layout ---------------------------------------------------

def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def tiny_gpt2():
    cfg = {'vocabSize': 13, 'blockSize': 16, 'nLayer': 2, 'nHead': 2, 'nEmbd': 8}
    C, V, L, N = cfg['nEmbd'], cfg['vocabSize'], cfg['nLayer'], cfg['blockSize']
    gen = torch.Generator().manual_seed(2)
    rnd = lambda *s, std=0.3: (torch.randn(*s, generator=gen) * std).to(torch.float32)
    sd = {'wte.weight': rnd(V, C, std=0.5), 'wpe.weight': rnd(N, C, std=0.5)}
    for i in range(L):
        h = f'h.{i}.'
        sd[h + 'ln_1.weight'] = 1 + rnd(C, std=0.1)
        sd[h + 'ln_1.bias'] = rnd(C, std=0.1)
        sd[h + 'attn.bias'] = torch.tril(torch.ones(N, N)).view(1, 1, N, N)  # the causal-mask buffer HF saves
        sd[h + 'attn.c_attn.weight'] = rnd(C, 3 * C)  # Conv1D: (in, out)
        sd[h + 'attn.c_attn.bias'] = rnd(3 * C, std=0.1)
        sd[h + 'attn.c_proj.weight'] = rnd(C, C)
        sd[h + 'attn.c_proj.bias'] = rnd(C, std=0.1)
        sd[h + 'ln_2.weight'] = 1 + rnd(C, std=0.1)
        sd[h + 'ln_2.bias'] = rnd(C, std=0.1)
        sd[h + 'mlp.c_fc.weight'] = rnd(C, 4 * C)
        sd[h + 'mlp.c_fc.bias'] = rnd(4 * C, std=0.1)
        sd[h + 'mlp.c_proj.weight'] = rnd(4 * C, C)
        sd[h + 'mlp.c_proj.bias'] = rnd(C, std=0.1)
    sd['ln_f.weight'] = 1 + rnd(C, std=0.1)
    sd['ln_f.bias'] = rnd(C, std=0.1)
    write_safetensors('tiny-gpt2.safetensors', {k: v.numpy() for k, v in sd.items()})

    w = {k: v.to(torch.float64) for k, v in sd.items()}
    ids = torch.randint(0, V, (2, 11), generator=gen)
    B, T = ids.shape
    x = w['wte.weight'][ids] + w['wpe.weight'][:T]
    for i in range(L):
        h = f'h.{i}.'
        a = F.layer_norm(x, (C,), w[h + 'ln_1.weight'], w[h + 'ln_1.bias'], 1e-5)
        qkv = a @ w[h + 'attn.c_attn.weight'] + w[h + 'attn.c_attn.bias']
        q, k, v = [t.view(B, T, cfg['nHead'], C // cfg['nHead']).transpose(1, 2) for t in qkv.split(C, dim=2)]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // cfg['nHead'])
        att = att.masked_fill(w[h + 'attn.bias'][:, :, :T, :T] == 0, float('-inf'))
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + y @ w[h + 'attn.c_proj.weight'] + w[h + 'attn.c_proj.bias']
        m = F.layer_norm(x, (C,), w[h + 'ln_2.weight'], w[h + 'ln_2.bias'], 1e-5)
        x = x + gelu_new(m @ w[h + 'mlp.c_fc.weight'] + w[h + 'mlp.c_fc.bias']) @ w[h + 'mlp.c_proj.weight'] + w[h + 'mlp.c_proj.bias']
    x = F.layer_norm(x, (C,), w['ln_f.weight'], w['ln_f.bias'], 1e-5)
    logits = x @ w['wte.weight'].t()
    write_json('tiny-gpt2.json', {'config': cfg, 'ids': ids.reshape(-1).tolist(), 'B': B, 'T': T, 'logits': flat(logits)})


TRAIN_TEXT = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
              "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n")


def train_steps():
    chars = sorted(set(TRAIN_TEXT))
    data = torch.tensor([chars.index(c) for c in TRAIN_TEXT])
    cfg = {'vocabSize': len(chars), 'blockSize': 16, 'nLayer': 2, 'nHead': 2, 'nEmbd': 16, 'bias': False}
    gen = torch.Generator().manual_seed(3)
    p = make_params(cfg, gen)
    p = {k: v.detach().to(torch.float32).requires_grad_(True) for k, v in p.items()}
    init = {k: flat(v) for k, v in p.items()}
    decay = [v for v in p.values() if v.dim() >= 2]
    no_decay = [v for v in p.values() if v.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}], lr=1e-3, betas=(0.9, 0.99))
    B, T, steps, warm, decay_iters = 4, 16, 30, 5, 30
    offsets = [torch.randint(len(data) - T, (B,), generator=gen).tolist() for _ in range(steps)]
    losses, norms, lrs = [], [], []
    for it in range(steps):
        lr = 1e-3 * (it + 1) / (warm + 1) if it < warm else 1e-4 + 0.5 * (1 + math.cos(math.pi * (it - warm) / (decay_iters - warm))) * (1e-3 - 1e-4)
        for g in opt.param_groups:
            g['lr'] = lr
        x = torch.stack([data[i:i + T] for i in offsets[it]])
        y = torch.stack([data[i + 1:i + 1 + T] for i in offsets[it]])
        logits = gpt_forward(p, cfg, x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norms.append(torch.nn.utils.clip_grad_norm_(list(p.values()), 1.0).item())
        opt.step()
        losses.append(loss.item())
        lrs.append(lr)
    write_json('train-steps.json', {'config': cfg, 'text': TRAIN_TEXT, 'chars': chars, 'B': B, 'T': T, 'warmup': warm, 'decayIters': decay_iters,
                                    'init': init, 'offsets': offsets, 'losses': losses, 'gradNorms': norms, 'lrs': lrs,
                                    'final': {k: flat(v) for k, v in p.items()}})


if __name__ == '__main__':
    torch.manual_seed(0)
    cases = [
        tiny_gpt_case({'vocabSize': 11, 'blockSize': 6, 'nLayer': 2, 'nHead': 2, 'nEmbd': 8, 'bias': True}, 1),
        tiny_gpt_case({'vocabSize': 7, 'blockSize': 5, 'nLayer': 1, 'nHead': 4, 'nEmbd': 8, 'bias': False}, 2),
    ]
    write_json('tiny-gpt.json', {'torch': torch.__version__, 'cases': cases})
    tiny_gpt2()
    train_steps()
