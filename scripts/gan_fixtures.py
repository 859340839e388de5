#!/usr/bin/env python3
"""Reference fixtures for deepts' GANs (test/models/gan-torch.test.ts).

Run with Debian's python (torch, numpy, scipy):  /usr/bin/python3 scripts/gan_fixtures.py
Writes fixtures/gan/*.json. Deterministic: re-running gives the same files.
- dcgan.json: PyTorch's DCGAN generator and discriminator at 28x28 (the layers of src/models/gan.ts,
  state dicts in PyTorch's names), in training mode (BatchNorm on batch statistics), their weights,
  an input batch and the outputs, plus D's input gradient of sum(D(x) * r);
- metrics.json: the Inception Score as the original code (improved-gan's inception_score.py)
  computes it, and the Frechet distance as pytorch-fid computes it (scipy.linalg.sqrtm), on random
  probabilities and features.
"""
import functools
import os

import numpy as np
import torch
import torch.nn as nn

import fixture_io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'gan')
write = functools.partial(fixture_io.write_json, OUT)
t2j = fixture_io.f32_tensor


class G(nn.Module):
    def __init__(self, nz, w, k):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(nz + k, 4 * w, 7, bias=False)
        self.bn1 = nn.BatchNorm2d(4 * w)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 4, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(2 * w)
        self.up3 = nn.ConvTranspose2d(2 * w, 1, 4, stride=2, padding=1, bias=False)
        self.k = k

    def forward(self, z, y=None):
        if self.k:
            z = torch.cat([z, nn.functional.one_hot(y, self.k).float()], 1)
        h = z.view(z.shape[0], -1, 1, 1)
        h = torch.relu(self.bn1(self.up1(h)))
        h = torch.relu(self.bn2(self.up2(h)))
        return torch.tanh(self.up3(h))


class D(nn.Module):
    def __init__(self, w, k):
        super().__init__()
        self.conv1 = nn.Conv2d(1 + k, w, 4, stride=2, padding=1, bias=False)
        self.conv2 = nn.Conv2d(w, 2 * w, 4, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(2 * w)
        self.conv3 = nn.Conv2d(2 * w, 1, 7, bias=False)
        self.k = k

    def forward(self, x, y=None):
        if self.k:
            planes = nn.functional.one_hot(y, self.k).float().view(-1, self.k, 1, 1).expand(-1, self.k, 28, 28)
            x = torch.cat([x, planes], 1)
        h = nn.functional.leaky_relu(self.conv1(x), 0.2)
        h = nn.functional.leaky_relu(self.bn2(self.conv2(h)), 0.2)
        return self.conv3(h).view(-1)


def init(m):
    # DCGAN's: conv weights N(0, 0.02), BatchNorm gamma N(1, 0.02), beta 0
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def state(m):
    return {k: t2j(v) for k, v in m.state_dict().items() if not k.endswith('num_batches_tracked')}


def dcgan_cases():
    cases = []
    for name, k in [('dcgan', 0), ('cdcgan', 10)]:
        torch.manual_seed(7 + k)
        nz, w, n = 12, 4, 5
        g, d = G(nz, w, k), D(w, k)
        g.apply(init)
        d.apply(init)
        g_state, d_state = state(g), state(d)  # before the forward passes move the running statistics
        z = torch.randn(n, nz)
        y = torch.tensor([3, 0, 9, 3, 7]) if k else None
        fake = g(z, y)
        x = torch.rand(n, 1, 28, 28, requires_grad=True)
        logits = d(x * 2 - 1, y)
        r = torch.randn_like(logits)
        (logits * r).sum().backward()
        case = {'name': name, 'latentDim': nz, 'width': w, 'numClasses': k, 'G': g_state, 'D': d_state,
                'z': t2j(z), 'fake': t2j(fake), 'x': t2j(x), 'logits': t2j(logits), 'r': t2j(r), 'dx': t2j(x.grad),
                'runningMeanAfter': t2j(g.bn1.running_mean), 'runningVarAfter': t2j(g.bn1.running_var)}
        if k:
            case['classes'] = y.tolist()
        cases.append(case)
    write('dcgan.json', cases)


def inception_score(p, splits):
    # improved-gan's inception_score.py, on given probabilities
    scores = []
    n = p.shape[0]
    for i in range(splits):
        part = p[(i * n // splits):((i + 1) * n // splits), :]
        kl = part * (np.log(part) - np.log(np.expand_dims(np.mean(part, 0), 0)))
        scores.append(np.exp(np.mean(np.sum(kl, 1))))
    return float(np.mean(scores)), float(np.std(scores))


def frechet(a, b):
    # pytorch-fid's calculate_frechet_distance
    import scipy.linalg  # here, so bench_reference.py can import the nets without scipy

    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def metric_cases():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(60, 10)) * 2
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    p32 = p.astype('<f4').astype(np.float64)
    p32 /= p32.sum(1, keepdims=True)
    mean, std = inception_score(p32, 4)
    d = 6
    mix = rng.normal(size=(d, d))
    a = rng.normal(size=(200, d)) @ mix
    b = rng.normal(size=(150, d)) @ (mix + 0.3 * rng.normal(size=(d, d))) + 0.5
    a32, b32 = a.astype('<f4'), b.astype('<f4')
    fixture_io.write_json(OUT, 'metrics.json', {
        'probs': t2j(torch.from_numpy(p32.astype('<f4'))), 'splits': 4, 'isMean': mean, 'isStd': std,
        'a': t2j(torch.from_numpy(a32)), 'b': t2j(torch.from_numpy(b32)), 'dim': d,
        'fid': frechet(a32.astype(np.float64), b32.astype(np.float64)),
        'fidSelf': frechet(a32.astype(np.float64), a32.astype(np.float64)),
    })


if __name__ == '__main__':
    dcgan_cases()
    metric_cases()
