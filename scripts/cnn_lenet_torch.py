#!/usr/bin/env python3
"""LeNet-5 on MNIST in PyTorch, the recipe `deepts train lenet` uses, to choose its defaults.

Run with Debian's python (torch 1.13):  /usr/bin/python3 scripts/cnn_lenet_torch.py '{"epochs":12,"lr":0.002,"aug":"affine"}' ...
Each argument is one run's config (JSON): epochs, lr (Adam, cosine to 0 over every batch), bs (64),
aug (none | shift | affine), shift (px), rot (degrees), scale, bn, drop, wd, ls (label smoothing), seed.
Prints one JSON line per run: the test error (%) after each epoch and the seconds taken.
MNIST is read from $DEEPTS_DATA/mnist or ../shared/data/mnist (relative to the repository).
"""
import gzip, sys, time, math, json, os
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(1)
D = os.path.join(os.environ.get('DEEPTS_DATA') or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'data'), 'mnist') + '/'

def idx(path):
    b = gzip.open(path).read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)

xtr = torch.tensor(idx(D + 'train-images-idx3-ubyte.gz'), dtype=torch.float32).div_(255).unsqueeze(1)
ytr = torch.tensor(idx(D + 'train-labels-idx1-ubyte.gz'), dtype=torch.long)
xte = torch.tensor(idx(D + 't10k-images-idx3-ubyte.gz'), dtype=torch.float32).div_(255).unsqueeze(1)
yte = torch.tensor(idx(D + 't10k-labels-idx1-ubyte.gz'), dtype=torch.long)
MEAN, STD = 0.1307, 0.3081

class LeNet(nn.Module):
    def __init__(s, bn=False, drop=0.0):
        super().__init__()
        s.c1 = nn.Conv2d(1, 6, 5, padding=2); s.c2 = nn.Conv2d(6, 16, 5)
        s.b1 = nn.BatchNorm2d(6) if bn else nn.Identity(); s.b2 = nn.BatchNorm2d(16) if bn else nn.Identity()
        s.f1 = nn.Linear(400, 120); s.f2 = nn.Linear(120, 84); s.f3 = nn.Linear(84, 10); s.drop = drop
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.b1(s.c1(x))), 2)
        x = F.max_pool2d(F.relu(s.b2(s.c2(x))), 2).flatten(1)
        x = F.relu(s.f1(x)); x = F.dropout(x, s.drop, s.training)
        x = F.relu(s.f2(x)); x = F.dropout(x, s.drop, s.training)
        return s.f3(x)

def augment(x, g, kind, shift, rot, scale):
    n = x.shape[0]
    if kind == 'none': return x
    if kind == 'shift':  # integer shifts in [-shift, shift]
        p = F.pad(x, (shift,) * 4)
        dx = torch.randint(0, 2 * shift + 1, (n,), generator=g); dy = torch.randint(0, 2 * shift + 1, (n,), generator=g)
        out = torch.empty_like(x)
        for i in range(n): out[i] = p[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28]
        return out
    a = (torch.rand(n, generator=g) * 2 - 1) * rot * math.pi / 180
    s = 1 + (torch.rand(n, generator=g) * 2 - 1) * scale
    tx = (torch.rand(n, generator=g) * 2 - 1) * shift * 2 / 28; ty = (torch.rand(n, generator=g) * 2 - 1) * shift * 2 / 28
    th = torch.stack([torch.stack([torch.cos(a) / s, -torch.sin(a) / s, tx], 1), torch.stack([torch.sin(a) / s, torch.cos(a) / s, ty], 1)], 1)
    grid = F.affine_grid(th, x.shape, align_corners=False)
    return F.grid_sample(x, grid, align_corners=False)

def run(cfg):
    torch.manual_seed(cfg.get('seed', 1)); g = torch.Generator().manual_seed(cfg.get('seed', 1) + 7)
    m = LeNet(cfg.get('bn', False), cfg.get('drop', 0.0))
    E = cfg['epochs']; bs = cfg.get('bs', 64); steps = E * math.ceil(60000 / bs)
    opt = torch.optim.Adam(m.parameters(), lr=cfg['lr'], weight_decay=cfg.get('wd', 0))
    sched = cfg.get('sched', 'cosine')
    if sched == 'onecycle': sch = torch.optim.lr_scheduler.OneCycleLR(opt, cfg['lr'], total_steps=steps)
    else: sch = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + math.cos(math.pi * min(k, steps) / steps)))
    t0 = time.time(); res = []
    for ep in range(E):
        m.train(); perm = torch.randperm(60000, generator=g)
        for i in range(0, 60000, bs):
            j = perm[i:i + bs]
            x = augment(xtr[j], g, cfg.get('aug', 'none'), cfg.get('shift', 2), cfg.get('rot', 10), cfg.get('scale', 0.1))
            loss = F.cross_entropy(m((x - MEAN) / STD), ytr[j], label_smoothing=cfg.get('ls', 0.0))
            opt.zero_grad(); loss.backward(); opt.step(); sch.step()
        m.eval()
        with torch.no_grad():
            err = (m((xte - MEAN) / STD).argmax(1) != yte).float().mean().item() * 100
        res.append(round(err, 2))
    print(json.dumps({**cfg, 'err': res, 'sec': round(time.time() - t0)}), flush=True)

configs = [json.loads(a) for a in sys.argv[1:]]
for c in configs: run(c)
