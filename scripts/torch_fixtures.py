#!/usr/bin/env python3
"""PyTorch reference fixtures for deepts' nn and optim (test/nn, test/optim compare against them).

Run with Debian's python (torch 1.13 + numpy):  /usr/bin/python3 scripts/torch_fixtures.py
Writes small JSON files into fixtures/torch/. Deterministic: re-running gives the same files.
Tensors are stored as {"shape": [...], "data": [flat float32 values]}.
"""
import functools
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

import fixture_io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'torch')


def t2j(t):
    t = t.detach().to(torch.float32) if t.is_floating_point() else t.detach()
    return {'shape': list(t.shape), 'data': t.reshape(-1).tolist()}


write = functools.partial(fixture_io.write_json, OUT)


# ---- (a) 2-layer MLPs: weights, input, target, logits, loss and every parameter gradient ----

def mlp_case(seed, act):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 16), act, nn.Linear(16, 3))
    x = torch.randn(8, 4)
    target = torch.randint(0, 3, (8,))
    logits = model(x)
    loss = F.cross_entropy(logits, target)
    loss.backward()
    return {
        'activation': type(act).__name__,
        'stateDict': {k: t2j(v) for k, v in model.state_dict().items()},
        'input': t2j(x),
        'target': target.tolist(),
        'logits': t2j(logits),
        'loss': loss.item(),
        'grads': {k: t2j(p.grad) for k, p in model.named_parameters()},
    }


def mlp_fixtures():
    write('mlp.json', {'cases': [mlp_case(0, nn.Tanh()), mlp_case(1, nn.ReLU())]})


# ---- layers: every activation and loss module, forward value and input gradient ----

def layer_fixtures():
    torch.manual_seed(2)
    x = torch.randn(4, 5)
    acts = {
        'Sigmoid': nn.Sigmoid(), 'Tanh': nn.Tanh(), 'ReLU': nn.ReLU(), 'LeakyReLU(0.1)': nn.LeakyReLU(0.1),
        'ELU(0.7)': nn.ELU(0.7), 'GELU': nn.GELU(), "GELU('tanh')": nn.GELU('tanh'), 'SiLU': nn.SiLU(),
        'Softplus(2,1)': nn.Softplus(2, 1), 'Softmax(1)': nn.Softmax(1), 'LogSoftmax(0)': nn.LogSoftmax(0),
    }
    g = torch.randn(4, 5)  # upstream gradient, so the check covers the full vector-Jacobian product
    activations = []
    for name, m in acts.items():
        xi = x.clone().requires_grad_()
        y = m(xi)
        y.backward(g)
        activations.append({'name': name, 'output': t2j(y), 'inputGrad': t2j(xi.grad)})

    logits = torch.randn(6, 3)
    classes = torch.tensor([0, 2, 1, 2, 0, 1])
    w = torch.tensor([0.5, 2.0, 1.0])
    a, b = torch.randn(6, 3), torch.randn(6, 3)
    probs, bin_t = torch.rand(6, 3) * 0.9 + 0.05, (torch.rand(6, 3) > 0.5).float()
    cases = [
        ('MSELoss', nn.MSELoss(), a, b),
        ('L1Loss(sum)', nn.L1Loss(reduction='sum'), a, b),
        ('CrossEntropyLoss', nn.CrossEntropyLoss(), logits, classes),
        ('CrossEntropyLoss(weight,smoothing)', nn.CrossEntropyLoss(weight=w, label_smoothing=0.1), logits, classes),
        ('NLLLoss(weight)', nn.NLLLoss(weight=w), F.log_softmax(logits, 1), classes),
        ('BCELoss', nn.BCELoss(), probs, bin_t),
        ('BCEWithLogitsLoss(posWeight)', nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0, 1.0, 0.5])), a, bin_t),
    ]
    losses = []
    for name, m, inp, tgt in cases:
        xi = inp.clone().requires_grad_()
        loss = m(xi, tgt)
        loss.backward()
        losses.append({'name': name, 'input': t2j(inp), 'target': tgt.tolist() if not tgt.is_floating_point() else t2j(tgt),
                       'loss': loss.item(), 'inputGrad': t2j(xi.grad)})
    write('layers.json', {'input': t2j(x), 'upstream': t2j(g), 'activations': activations,
                          'losses': losses, 'classWeight': t2j(w), 'posWeight': [2.0, 1.0, 0.5]})


# ---- (b) optimizers: 10 steps from fixed weights, with the gradients supplied per step ----

STEPS = 10


def problem():
    """A small nonlinear regression: loss(W, b) = mean((tanh(X W + b) - Y)^2) + mean(W^4)."""
    g = torch.Generator().manual_seed(3)
    X = torch.randn(6, 3, generator=g)
    Y = torch.randn(6, 4, generator=g)
    W = torch.randn(3, 4, generator=g)
    b = torch.randn(4, generator=g) * 0.1
    return X, Y, W, b


def run_optimizer(make, groups=None):
    X, Y, W0, b0 = problem()
    W = W0.clone().requires_grad_()
    b = b0.clone().requires_grad_()
    opt = make([{'params': [W], **groups[0]}, {'params': [b], **groups[1]}] if groups else [W, b])
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((torch.tanh(X @ W + b) - Y) ** 2).mean() + (W ** 4).mean()
        loss.backward()
        grads = [t2j(W.grad), t2j(b.grad)]
        opt.step()
        steps.append({'grads': grads, 'params': [t2j(W), t2j(b)]})
    return {'start': [t2j(W0), t2j(b0)], 'steps': steps}


def optimizer_fixtures():
    cases = [
        ('SGD', {'lr': 0.1}, lambda p: torch.optim.SGD(p, lr=0.1)),
        ('SGD', {'lr': 0.1, 'momentum': 0.9}, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
        ('SGD', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.01},
         lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
        ('SGD', {'lr': 0.05, 'momentum': 0.8, 'dampening': 0.3, 'weightDecay': 0.1},
         lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1)),
        ('RMSprop', {'lr': 0.01}, lambda p: torch.optim.RMSprop(p, lr=0.01)),
        ('RMSprop', {'lr': 0.01, 'momentum': 0.9, 'centered': True, 'weightDecay': 0.01},
         lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
        ('RMSprop', {'lr': 0.005, 'alpha': 0.9, 'eps': 1e-6, 'centered': True},
         lambda p: torch.optim.RMSprop(p, lr=0.005, alpha=0.9, eps=1e-6, centered=True)),
        ('Adam', {'lr': 0.01}, lambda p: torch.optim.Adam(p, lr=0.01)),
        ('Adam', {'lr': 0.01, 'betas': [0.8, 0.99], 'amsgrad': True, 'weightDecay': 0.01},
         lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.01)),
        ('AdamW', {'lr': 0.01}, lambda p: torch.optim.AdamW(p, lr=0.01)),
        ('AdamW', {'lr': 0.01, 'weightDecay': 0.1, 'amsgrad': True, 'eps': 1e-6},
         lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1, amsgrad=True, eps=1e-6)),
    ]
    out = []
    for name, opts, make in cases:
        out.append({'optimizer': name, 'options': opts, **run_optimizer(make)})
    # per-group options: W and b with different learning rates / decay
    groups_js = [{'lr': 0.02}, {'lr': 0.005, 'weightDecay': 0.0}]
    groups_pt = [{'lr': 0.02}, {'lr': 0.005, 'weight_decay': 0.0}]
    out.append({'optimizer': 'AdamW', 'options': {'lr': 0.01}, 'groups': groups_js,
                **run_optimizer(lambda g: torch.optim.AdamW(g, lr=0.01), groups_pt)})
    write('optimizers.json', {'steps': STEPS, 'cases': out})


# ---- schedules: learning rates over 12 steps ----

def nanogpt_get_lr(it, learning_rate, min_lr, warmup_iters, lr_decay_iters):
    """nanoGPT's train.py get_lr, verbatim (current master: warmup (it+1)/(warmup_iters+1))."""
    if it < warmup_iters:
        return learning_rate * (it + 1) / (warmup_iters + 1)
    if it > lr_decay_iters:
        return min_lr
    decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    assert 0 <= decay_ratio <= 1
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
    return min_lr + coeff * (learning_rate - min_lr)


def scheduler_fixtures():
    def lrs(make, base=(0.1,), steps=12):
        params = [torch.zeros(1, requires_grad=True) for _ in base]
        opt = torch.optim.SGD([{'params': [p], 'lr': lr} for p, lr in zip(params, base)], lr=base[0])
        sched = make(opt)
        out = [sched.get_last_lr()]
        for _ in range(steps):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr())
        return out

    sched = [
        {'scheduler': 'StepLR', 'args': {'stepSize': 3, 'gamma': 0.5}, 'baseLrs': [0.1],
         'lrs': lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5))},
        {'scheduler': 'StepLR', 'args': {'stepSize': 2, 'gamma': 0.9}, 'baseLrs': [0.1, 0.03],
         'lrs': lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.9), base=(0.1, 0.03))},
        {'scheduler': 'CosineAnnealingLR', 'args': {'tMax': 10, 'etaMin': 0.001}, 'baseLrs': [0.1],
         'lrs': lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001))},
        {'scheduler': 'CosineAnnealingLR', 'args': {'tMax': 7, 'etaMin': 0}, 'baseLrs': [0.05, 0.2],
         'lrs': lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7), base=(0.05, 0.2), steps=10)},
        {'scheduler': 'LambdaLR', 'args': {'decay': 0.95}, 'baseLrs': [0.1],
         'lrs': lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 0.95 ** e))},
    ]
    warm = {'maxLr': 6e-4, 'minLr': 6e-5, 'warmupIters': 3, 'decayIters': 10}
    nanogpt = [nanogpt_get_lr(it, warm['maxLr'], warm['minLr'], warm['warmupIters'], warm['decayIters']) for it in range(13)]
    write('schedulers.json', {'schedulers': sched, 'cosineWithWarmup': {'args': warm, 'lrs': nanogpt}})


# ---- clip_grad_norm_: total norm and clipped gradients for several norm types ----

def clip_fixtures():
    torch.manual_seed(4)
    grads = [torch.randn(3, 4), torch.randn(4) * 3, torch.randn(2, 2, 2) * 0.1]
    cases = []
    for norm_type, max_norm in [(2.0, 1.0), (1.0, 2.0), (float('inf'), 0.5), (3.0, 1.5), (2.0, 100.0)]:
        params = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        cases.append({'normType': 'inf' if math.isinf(norm_type) else norm_type, 'maxNorm': max_norm,
                      'totalNorm': total.item(), 'clipped': [t2j(p.grad) for p in params]})
    write('clip_grad_norm.json', {'grads': [t2j(g) for g in grads], 'cases': cases})


if __name__ == '__main__':
    torch.set_num_threads(1)
    mlp_fixtures()
    layer_fixtures()
    optimizer_fixtures()
    scheduler_fixtures()
    clip_fixtures()
