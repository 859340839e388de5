#!/usr/bin/env python3
"""nanoGPT's shakespeare-char CPU run (model.py + train.py with the README's CPU flags), condensed,
for a PyTorch reference of `deepts train gpt --preset shakespeare-char` on the same machine.

  [TORCH_NUM_THREADS=2] /usr/bin/python3 scripts/nanogpt_shakespeare_char.py [seed] [beta1] [weight_decay]

nanoGPT's recipe is β1 0.9 and weight decay 0.1 (the defaults); `0.6 0` is deepts' preset
(docs/transformers.md), run in PyTorch.

Prints train/val loss (20-batch estimates, as nanoGPT) every 250 iterations and, at the end, the
loss over the whole validation split in non-overlapping 64-character windows, the wall time and
tokens/s (evaluations included).
"""
import math, os, sys, time, torch, torch.nn as nn, torch.nn.functional as F
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1337
beta1 = float(sys.argv[2]) if len(sys.argv) > 2 else 0.9
weight_decay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
torch.manual_seed(seed); torch.set_num_threads(int(os.environ.get("TORCH_NUM_THREADS", "2")))
DATA = os.environ.get('DEEPTS_DATA', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'data'))
text = open(os.path.join(DATA, 'tinyshakespeare', 'input.txt')).read()
chars = sorted(set(text)); stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = int(0.9 * len(data)); train, val = data[:n], data[n:]
B, T, C, H, L, V = 12, 64, 128, 4, 4, len(chars)
def get_batch(d):
    ix = torch.randint(len(d) - T, (B,)); return torch.stack([d[i:i+T] for i in ix]), torch.stack([d[i+1:i+1+T] for i in ix])
class LN(nn.Module):
    def __init__(s, n): super().__init__(); s.weight = nn.Parameter(torch.ones(n))
    def forward(s, x): return F.layer_norm(x, s.weight.shape, s.weight, None, 1e-5)
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln_1 = LN(C); s.c_attn = nn.Linear(C, 3*C, bias=False); s.c_proj = nn.Linear(C, C, bias=False)
        s.ln_2 = LN(C); s.c_fc = nn.Linear(C, 4*C, bias=False); s.mlp_proj = nn.Linear(4*C, C, bias=False)
        s.register_buffer('mask', torch.tril(torch.ones(T, T)).view(1, 1, T, T))
    def forward(s, x):
        b, t, c = x.shape
        q, k, v = s.c_attn(s.ln_1(x)).split(C, dim=2)
        q, k, v = [z.view(b, t, H, c // H).transpose(1, 2) for z in (q, k, v)]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // H)
        att = F.softmax(att.masked_fill(s.mask[:, :, :t, :t] == 0, float('-inf')), dim=-1)
        x = x + s.c_proj((att @ v).transpose(1, 2).contiguous().view(b, t, c))
        return x + s.mlp_proj(F.gelu(s.c_fc(s.ln_2(x))))
class GPT(nn.Module):
    def __init__(s):
        super().__init__(); s.wte = nn.Embedding(V, C); s.wpe = nn.Embedding(T, C); s.h = nn.ModuleList([Block() for _ in range(L)]); s.ln_f = LN(C)
        s.lm_head = nn.Linear(C, V, bias=False); s.wte.weight = s.lm_head.weight
        for m in s.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)): nn.init.normal_(m.weight, 0, 0.02)
        for name, p in s.named_parameters():
            if name.endswith('c_proj.weight') or name.endswith('mlp_proj.weight'): nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * L))
    def forward(s, idx, tgt):
        x = s.wte(idx) + s.wpe(torch.arange(idx.shape[1]))
        for blk in s.h: x = blk(x)
        logits = s.lm_head(s.ln_f(x)); return F.cross_entropy(logits.view(-1, V), tgt.view(-1))
model = GPT()
decay = [p for p in model.parameters() if p.dim() >= 2]; nodecay = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': weight_decay}, {'params': nodecay, 'weight_decay': 0.0}], lr=1e-3, betas=(beta1, 0.99))
def get_lr(it):
    if it < 100: return 1e-3 * (it + 1) / 101
    if it > 2000: return 1e-4
    r = (it - 100) / 1900; return 1e-4 + 0.5 * (1 + math.cos(math.pi * r)) * (1e-3 - 1e-4)
@torch.no_grad()
def estimate(d, iters=20):
    model.eval(); l = sum(model(*get_batch(d)).item() for _ in range(iters)) / iters; model.train(); return l
@torch.no_grad()
def full_val():
    model.eval(); nb = (len(val) - 1) // T // B; s = 0
    for i in range(nb):
        xs = torch.stack([val[(i*B+j)*T:(i*B+j)*T+T] for j in range(B)]); ys = torch.stack([val[(i*B+j)*T+1:(i*B+j)*T+T+1] for j in range(B)])
        s += model(xs, ys).item()
    model.train(); return s / nb
t0 = time.time()
for it in range(2001):
    if it % 250 == 0: print(f'step {it}: train {estimate(train):.4f} val {estimate(val):.4f}', flush=True)
    if it == 2000: break
    for g in opt.param_groups: g['lr'] = get_lr(it)
    loss = model(*get_batch(train)); opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
print(f'seed {seed} beta1 {beta1} weight decay {weight_decay}: full val {full_val():.4f}, {time.time() - t0:.0f} s, {2000 * B * T / (time.time() - t0):.0f} tok/s (incl. evals)')
