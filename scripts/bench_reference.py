#!/usr/bin/env python3
"""The reference side of `npm run bench` (bench/run.ts runs this, once per configuration):

  bench_reference.py gemm --sizes 128,256 --seconds 1     numpy (OpenBLAS) sgemm, C = A @ B, float32
  bench_reference.py mlp --threads 2 --steps 30           PyTorch CPU training step of the MLP bench
  bench_reference.py gpt --threads 2 --steps 20           PyTorch CPU training step of nanoGPT's CPU char model
  bench_reference.py lenet --threads 2 --steps 30         PyTorch CPU LeNet-5 training step (batch 64, SGD momentum)
  bench_reference.py conv --threads 2 --steps 6           PyTorch CPU 3x3 conv 64->64, 56x56, batch 8: forward + backward
  bench_reference.py rnn --threads 2 --steps 20           PyTorch CPU bidirectional-LSTM sentiment step (batch 64, length 100, Adam), peak RSS
  bench_reference.py seq2seq --model attention|transformer PyTorch CPU translation training step (batch 64)
  bench_reference.py gan --threads 2 --steps 20           PyTorch CPU DCGAN iteration (D and G steps, batch 64, 28x28)

Prints one JSON object on stdout. Threads come from the caller: OPENBLAS_NUM_THREADS for numpy,
torch.set_num_threads(--threads) with OPENBLAS_NUM_THREADS=1 for PyTorch. The caller also unsets
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for this command alone, so OpenBLAS picks its own kernel.
Timing mirrors the deepts side: wall clock per repetition, best and median reported.
"""
import argparse
import json
import os
import statistics
import sys
import time


def timed_reps(fn, seconds, min_reps=3, max_reps=1000):
    fn()  # warm up: first-touch, thread start-up
    times = []
    start = time.perf_counter()
    while (time.perf_counter() - start < seconds or len(times) < min_reps) and len(times) < max_reps:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), len(times)


def bench_gemm(args):
    import numpy as np

    rows = []
    rng = np.random.default_rng(0)
    for n in [int(s) for s in args.sizes.split(",")]:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        best, median, reps = timed_reps(lambda: np.matmul(a, b, out=c), args.seconds)
        flops = 2.0 * n * n * n
        rows.append({"n": n, "best_gflops": flops / best / 1e9, "median_gflops": flops / median / 1e9, "reps": reps})
    print(json.dumps({
        "tool": f"numpy {np.__version__}",
        "blas": blas_name(np),
        "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "rows": rows,
    }))


def blas_name(np):
    """The BLAS library numpy actually loaded (from this process's memory map)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line}
        names = sorted(os.path.basename(p) for p in libs)
        return ", ".join(names) if names else "unknown"
    except OSError:
        return "unknown"


def bench_mlp(args):
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 1024), torch.nn.ReLU(),
        torch.nn.Linear(1024, 1024), torch.nn.ReLU(),
        torch.nn.Linear(1024, 10),
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, 784)
    y = torch.randint(0, 10, (args.batch,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    report_steps(torch, args, step)


def bench_gpt(args):
    """nanoGPT's shakespeare-char CPU model (vocab 65, 4 layers, 4 heads, 128 wide, block 64, bias
    False, dropout 0) and its step: random (B, T) windows of a token stream, forward, backward, clip
    1.0, AdamW (decay on >= 2-D parameters, betas 0.9/0.99). Torch 1.13 has no fused attention, so
    attention is nanoGPT's manual path, as nanoGPT itself runs on it."""
    import math
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    V, T, L, H, C, B = 65, args.block, 4, 4, 128, args.batch

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.Parameter(torch.ones(C))
            self.attn = nn.Linear(C, 3 * C, bias=False)
            self.proj = nn.Linear(C, C, bias=False)
            self.ln2 = nn.Parameter(torch.ones(C))
            self.fc = nn.Linear(C, 4 * C, bias=False)
            self.fc2 = nn.Linear(4 * C, C, bias=False)
            self.register_buffer("mask", torch.tril(torch.ones(T, T)).view(1, 1, T, T))

        def forward(self, x):
            q, k, v = self.attn(F.layer_norm(x, (C,), self.ln1)).split(C, dim=2)
            q, k, v = (t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // H))
            att = att.masked_fill(self.mask == 0, float("-inf")).softmax(dim=-1)
            y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
            x = x + self.proj(y)
            return x + self.fc2(F.gelu(self.fc(F.layer_norm(x, (C,), self.ln2))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(V, C)
            self.wpe = nn.Embedding(T, C)
            self.blocks = nn.ModuleList([Block() for _ in range(L)])
            self.lnf = nn.Parameter(torch.ones(C))
            self.head = nn.Linear(C, V, bias=False)
            self.wte.weight = self.head.weight  # weight tying

        def forward(self, idx, tgt):
            x = self.wte(idx) + self.wpe(torch.arange(T))
            for b in self.blocks:
                x = b(x)
            logits = self.head(F.layer_norm(x, (C,), self.lnf))
            return F.cross_entropy(logits.view(-1, V), tgt.view(-1))

    model = GPT()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    nodecay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": nodecay, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.99))
    data = torch.randint(0, V, (200000,))

    def step():
        ix = torch.randint(len(data) - T - 1, (B,))
        x = torch.stack([data[i:i + T] for i in ix])
        y = torch.stack([data[i + 1:i + 1 + T] for i in ix])
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    report_steps(torch, args, step)


def report_steps(torch, args, step, extra=None):
    """Warm up (args.warmup calls and at least 1 s, as bench/steps.ts does), time args.steps calls of step, print the JSON the step benches read
    (with the fields extra() returns after the timing, if given)."""
    start, done = time.perf_counter(), 0
    while done < args.warmup or (args.warmup > 0 and time.perf_counter() - start < 1.0):
        step()
        done += 1
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({
        "tool": f"PyTorch {torch.__version__} CPU",
        "threads": torch.get_num_threads(),
        "best_step_ms": min(times) * 1e3,
        "median_step_ms": statistics.median(times) * 1e3,
        "steps": args.steps,
        **(extra() if extra else {}),
    }))


def bench_lenet(args):
    """LeNet-5 as src/models/lenet.ts and /work/shared/reference/torch_train.py: SGD(lr 0.01, momentum 0.9), batch 64."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    from cnn_fixtures import LeNet5  # the model deepts' LeNet fixtures check, as src/models/lenet.ts builds it

    model = LeNet5()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(args.batch, 1, 28, 28)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    report_steps(torch, args, step)


def bench_conv(args):
    """One ResNet-style conv layer: 3x3, 64 -> 64 channels, pad 1, 56x56, batch 8, no bias; forward + backward (input, filters)."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    c, s = args.channels, args.size
    x = torch.randn(args.batch, c, s, s, requires_grad=True)
    w = (torch.randn(c, c, 3, 3) / (9 * c) ** 0.5).requires_grad_()
    gy = torch.randn(args.batch, c, s, s)

    def step():
        x.grad = None
        w.grad = None
        F.conv2d(x, w, None, padding=1).backward(gy)

    report_steps(torch, args, step)


def rss_mb():
    """This process's resident set now, MB (2^20 bytes), from /proc/self/statm (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_rnn(args):
    """The sentiment classifier of bench/rnn.ts: Embedding(vocab, embed) -> 1-layer bidirectional
    LSTM(embed, hidden, batch_first) -> cat(h_n[0], h_n[1]) -> Linear(2 hidden, 2) -> cross-entropy,
    Adam lr 1e-3, on a fixed batch of random ids and labels. Also reports the peak resident set of
    this process (ru_maxrss: Python, torch, the model, Adam's state and every step's largest
    transient, warm-up included) and the RSS before the model (after import torch)."""
    import resource
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    base = rss_mb()

    class Sentiment(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(args.vocab, args.embed)
            self.lstm = nn.LSTM(args.embed, args.hidden, batch_first=True, bidirectional=True)
            self.fc = nn.Linear(2 * args.hidden, 2)

        def forward(self, ids):
            _, (h_n, _) = self.lstm(self.embedding(ids))  # h_n (2, B, H): forward, reverse
            return self.fc(torch.cat([h_n[0], h_n[1]], dim=1))

    model = Sentiment()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randint(0, args.vocab, (args.batch, args.length))
    y = torch.randint(0, 2, (args.batch,))

    def step():
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    def memory():
        return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "base_rss_mb": base}

    report_steps(torch, args, step, memory)


def bench_seq2seq(args):
    """The translation steps of bench/seq2seq.ts, written with torch.nn as deepts' models are built:
    attention = src/models/seq2seq.ts with attention 'bahdanau' (embedding -> dropout -> packed
    bidirectional GRU of hidden/2 a direction; s0 = tanh(W [h_fwd_last; h_bwd_first]); per step
    Bahdanau's v.tanh(W_q s + W_k h_j), a GRUCell reading [E y; c_t], logits W_o [s_t; c_t; E y]);
    transformer = src/models/transformer-translator.ts (embeddings x sqrt(d) + sinusoidal positions,
    dropout, nn.Transformer post-norm with batch_first, logits through the target embedding).
    Label-smoothed cross-entropy (0.1, ignore_index 0), backward, clip_grad_norm_(1), Adam."""
    import math
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    B, S, T = args.batch, args.src_length, args.tgt_length

    class Bahdanau(nn.Module):
        def __init__(self, E=256, H=256, p=0.3):
            super().__init__()
            self.src_embed = nn.Embedding(args.src_vocab, E, padding_idx=0)
            self.rnn = nn.GRU(E, H // 2, batch_first=True, bidirectional=True)
            self.bridge = nn.Linear(H, H)
            self.tgt_embed = nn.Embedding(args.tgt_vocab, E, padding_idx=0)
            self.w_q = nn.Linear(H, H, bias=False)
            self.w_k = nn.Linear(H, H, bias=False)
            self.v = nn.Linear(H, 1, bias=False)
            self.cell = nn.GRUCell(E + H, H)
            self.out = nn.Linear(2 * H + E, args.tgt_vocab)
            self.drop = nn.Dropout(p)

        def forward(self, src, lengths, tgt_in):
            packed = pack_padded_sequence(self.drop(self.src_embed(src)), lengths, batch_first=True, enforce_sorted=False)
            out, h_n = self.rnn(packed)
            memory, _ = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])  # (B, S, H)
            s = torch.tanh(self.bridge(torch.cat([h_n[0], h_n[1]], 1)))  # (B, H)
            keys = self.w_k(memory)  # (B, S, H)
            mask = torch.arange(src.shape[1]).view(1, -1) < lengths.view(-1, 1)
            logits = []
            for t in range(tgt_in.shape[1]):
                y = self.drop(self.tgt_embed(tgt_in[:, t]))
                e = self.v(torch.tanh(keys + self.w_q(s).unsqueeze(1))).squeeze(2).masked_fill(~mask, float("-inf"))
                c = torch.bmm(F.softmax(e, -1).unsqueeze(1), memory).squeeze(1)
                s = self.cell(torch.cat([y, c], 1), s)
                logits.append(self.out(self.drop(torch.cat([s, c, y], 1))))
            return torch.stack(logits, 1)  # (B, T, V)

    class Translator(nn.Module):
        def __init__(self, d=256, nhead=4, layers=3, ff=1024, p=0.1, max_len=256):
            super().__init__()
            self.d = d
            self.src_embed = nn.Embedding(args.src_vocab, d, padding_idx=0)
            self.tgt_embed = nn.Embedding(args.tgt_vocab, d, padding_idx=0)
            pos = torch.arange(max_len).unsqueeze(1)
            div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
            pe = torch.zeros(max_len, d)
            pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
            self.register_buffer("pe", pe)
            self.drop = nn.Dropout(p)
            self.transformer = nn.Transformer(d, nhead, layers, layers, ff, p, batch_first=True)

        def embed(self, table, ids):
            return self.drop(table(ids) * math.sqrt(self.d) + self.pe[: ids.shape[1]])

        def forward(self, src, lengths, tgt_in):
            pad = src == 0
            causal = self.transformer.generate_square_subsequent_mask(tgt_in.shape[1])
            h = self.transformer(self.embed(self.src_embed, src), self.embed(self.tgt_embed, tgt_in), tgt_mask=causal,
                                 src_key_padding_mask=pad, memory_key_padding_mask=pad)
            return F.linear(h, self.tgt_embed.weight)

    model = Bahdanau() if args.model == "attention" else Translator()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3 if args.model == "attention" else 1e-3)
    src = torch.randint(4, args.src_vocab, (B, S))
    lengths = torch.full((B,), S, dtype=torch.int64)
    tgt_in = torch.randint(4, args.tgt_vocab, (B, T))
    labels = torch.randint(4, args.tgt_vocab, (B, T))

    def step():
        logits = model(src, lengths, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, args.tgt_vocab), labels.reshape(-1), ignore_index=0, label_smoothing=0.1)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    report_steps(torch, args, step)


def bench_gan(args):
    """One DCGAN iteration as bench/gan.ts and src/train/gan-step.ts: G makes a batch, D steps on it and a real
    batch (BCE with logits), G steps through D; Adam 2e-4, betas (0.5, 0.999) for both; batch 64, z 100, width 32."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    from gan_fixtures import D, G, init  # the nets deepts' GAN fixtures check, as src/models/gan.ts builds them

    netG, netD = G(args.latent, args.width, 0), D(args.width, 0)
    netG.apply(init)
    netD.apply(init)
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.randn(args.batch, 1, 28, 28).tanh()
    ones, zeros = torch.ones(args.batch), torch.zeros(args.batch)

    def step():
        fake = netG(torch.randn(args.batch, args.latent))
        optD.zero_grad(set_to_none=True)
        loss_d = F.binary_cross_entropy_with_logits(netD(real), ones) + F.binary_cross_entropy_with_logits(netD(fake.detach()), zeros)
        loss_d.backward()
        optD.step()
        optG.zero_grad(set_to_none=True)
        loss_g = F.binary_cross_entropy_with_logits(netD(fake), ones)
        loss_g.backward()
        optG.step()

    report_steps(torch, args, step)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gemm")
    g.add_argument("--sizes", default="128,256,512,1024,2048")
    g.add_argument("--seconds", type=float, default=1.0)
    m = sub.add_parser("mlp")
    m.add_argument("--threads", type=int, default=2)
    m.add_argument("--batch", type=int, default=128)
    m.add_argument("--steps", type=int, default=30)
    m.add_argument("--warmup", type=int, default=5)
    t = sub.add_parser("gpt")
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--batch", type=int, default=12)
    t.add_argument("--block", type=int, default=64)
    t.add_argument("--steps", type=int, default=20)
    t.add_argument("--warmup", type=int, default=5)
    le = sub.add_parser("lenet")
    le.add_argument("--threads", type=int, default=2)
    le.add_argument("--batch", type=int, default=64)
    le.add_argument("--steps", type=int, default=30)
    le.add_argument("--warmup", type=int, default=5)
    cv = sub.add_parser("conv")
    cv.add_argument("--threads", type=int, default=2)
    cv.add_argument("--batch", type=int, default=8)
    cv.add_argument("--channels", type=int, default=64)
    cv.add_argument("--size", type=int, default=56)
    cv.add_argument("--steps", type=int, default=6)
    cv.add_argument("--warmup", type=int, default=1)
    r = sub.add_parser("rnn")
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--batch", type=int, default=64)
    r.add_argument("--length", type=int, default=100)
    r.add_argument("--vocab", type=int, default=5000)
    r.add_argument("--embed", type=int, default=128)
    r.add_argument("--hidden", type=int, default=256)
    r.add_argument("--steps", type=int, default=20)
    r.add_argument("--warmup", type=int, default=3)
    q = sub.add_parser("seq2seq")
    q.add_argument("--model", choices=["attention", "transformer"], default="attention")
    q.add_argument("--threads", type=int, default=2)
    q.add_argument("--batch", type=int, default=64)
    q.add_argument("--src-length", type=int, default=12)
    q.add_argument("--tgt-length", type=int, default=12)
    q.add_argument("--src-vocab", type=int, default=3000)
    q.add_argument("--tgt-vocab", type=int, default=4000)
    q.add_argument("--steps", type=int, default=20)
    q.add_argument("--warmup", type=int, default=3)
    gn = sub.add_parser("gan")
    gn.add_argument("--threads", type=int, default=2)
    gn.add_argument("--batch", type=int, default=64)
    gn.add_argument("--latent", type=int, default=100)
    gn.add_argument("--width", type=int, default=32)
    gn.add_argument("--steps", type=int, default=20)
    gn.add_argument("--warmup", type=int, default=3)
    args = p.parse_args()
    try:
        {"gemm": bench_gemm, "mlp": bench_mlp, "gpt": bench_gpt, "lenet": bench_lenet, "conv": bench_conv, "rnn": bench_rnn, "seq2seq": bench_seq2seq, "gan": bench_gan}[args.cmd](args)
    except ImportError as e:
        print(json.dumps({"error": f"{e.name or e} is not installed"}))
        sys.exit(3)


if __name__ == "__main__":
    main()
