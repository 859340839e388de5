#!/usr/bin/env python3
"""Reference fixtures for deepts' BLEU and chrF (test/metrics/bleu.test.ts, chrf.test.ts).

Run with Debian's python (python3-nltk):

    apt-get install -y python3-nltk
    /usr/bin/python3 scripts/bleu_fixtures.py

Writes fixtures/bleu/bleu.json (a few KB; deterministic). deepts reproduces sacreBLEU 2.6.0; the
values here come from elsewhere:

- "tokenize": lines through this script's own Python transcription of sacreBLEU's 13a and zh
  tokenizers (Python's re and str.split, which the TS port must match; zh keeps sacreBLEU's
  range endpoints written as '\\u20000' etc., which Python reads as two characters).
- "bleu": each corpus is tokenized here (13a, zh, char or plain split; optionally lowercased),
  and scored by NLTK's corpus_bleu (nltk.translate.bleu_score, an independent implementation:
  corpus-level sums of clipped counts, closest reference length with ties to the shorter,
  BP = exp(1 - r/c), weights 1/4 each) once per sacreBLEU smooth_method, with the NLTK
  SmoothingFunction that computes the same thing at corpus level:
      exp   = method3 (the k-th order without matches gets 1 / (2^k * total))
      floor = method1 (epsilon 0.1: 0.1 / total)
      add-k = method2 (1 added to the matches and totals of orders 2..4)
      none  = method0 (a zero count gives sys.float_info.min, so a score < 1e-70 where
              sacreBLEU gives 0; equal at the tests' 1e-9)
  counts/totals are NLTK's summed modified-precision numerators/denominators, sysLen/refLen its
  hypothesis and closest-reference lengths. NLTK counts max(1, n-grams) as a sentence's
  denominator where sacreBLEU counts the n-grams, so every hypothesis here has >= 4 tokens
  (asserted). Scores are x100, as sacreBLEU's.
- "chrf": computed below from Popovic's chrF/chrF++ definitions with sacreBLEU's documented
  choices (whitespace removed, word n-grams after splitting one punctuation mark off a word's
  end or start, the best-F reference per segment, statistics summed over the corpus, precision
  and recall averaged over the orders both sides have n-grams of; eps smoothing as chrF++.py).
If sacrebleu can be imported, its BLEU and chrF scores are checked against these as well.
"""
import math
import os
import re
import sys
import warnings
from collections import Counter

from nltk.translate.bleu_score import SmoothingFunction, closest_ref_length, corpus_bleu, modified_precision

import fixture_io

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'bleu')

# ---- tokenizers: a transcription of sacrebleu/tokenizers/tokenizer_{re,13a,zh}.py ----

RULES = [
    (re.compile(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])'), r' \1 '),
    (re.compile(r'([^0-9])([\.,])'), r'\1 \2 '),
    (re.compile(r'([\.,])([^0-9])'), r' \1 \2'),
    (re.compile(r'([0-9])(-)'), r'\1 \2 '),
]


def tok_re(line):
    for rx, repl in RULES:
        line = rx.sub(repl, line)
    return ' '.join(line.split())


def tok_13a(line):
    line = line.replace('<skipped>', '').replace('-\n', '').replace('\n', ' ')
    if '&' in line:
        line = line.replace('&quot;', '"').replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>')
    return tok_re(f' {line} ')


ZH_RANGES = [('\u3400', '\u4db5'), ('\u4e00', '\u9fa5'), ('\u9fa6', '\u9fbb'), ('\uf900', '\ufa2d'),
             ('\ufa30', '\ufa6a'), ('\ufa70', '\ufad9'), ('\u20000', '\u2a6d6'), ('\u2f800', '\u2fa1d'),
             ('\uff00', '\uffef'), ('\u2e80', '\u2eff'), ('\u3000', '\u303f'), ('\u31c0', '\u31ef'),
             ('\u2f00', '\u2fdf'), ('\u2ff0', '\u2fff'), ('\u3100', '\u312f'), ('\u31a0', '\u31bf'),
             ('\ufe10', '\ufe1f'), ('\ufe30', '\ufe4f'), ('\u2600', '\u26ff'), ('\u2700', '\u27bf'),
             ('\u3200', '\u32ff'), ('\u3300', '\u33ff')]


def tok_zh(line):
    chars = ''.join(f' {c} ' if any(lo <= c <= hi for lo, hi in ZH_RANGES) else c for c in line.strip())
    return tok_re(chars)


TOKENIZERS = {'13a': tok_13a, 'zh': tok_zh, 'char': lambda s: ' '.join(s), 'none': lambda s: s}


def tokens(line, tokenize, lowercase=False):
    """sacreBLEU's BLEU preprocessing: lowercase, rstrip, tokenize, split."""
    return TOKENIZERS[tokenize]((line.lower() if lowercase else line).rstrip()).split()


TOKENIZE_CASES = [
    ('13a', 'Hello, world! It costs $3.5 (or 1,000 yen).'),
    ('13a', 'She said &quot;no&quot; &amp; left &lt;quietly&gt;. &amp;lt; stays'),
    ('13a', 'a well-\nknown line\nbreak <skipped>here'),
    ('13a', 'U.S. e-mail 2-3 3-x x-3 1.5. .5 5. a,b 1,b b,1 ...'),
    ('13a', "don't {curly} [square] a|b ~tilde `tick` ^caret_under 50% #1 @x a/b a\\b"),
    ('13a', 'tab\there\xa0nbsp\x1cfs\x85nel\u3000ideo\ufeffbom\u2003em'),
    ('13a', '  leading and trailing  '),
    ('13a', 'émigré naïve Zürich — “quoted” …'),
    ('zh', '今天天气很好，我们去公园散步吧。'),
    ('zh', '他在2023年买了一台iPhone 15，价格是5,999.00元。'),
    ('zh', '“人工智能”——尤其是教育…温度35℃→①'),
    ('zh', 'ＡＢＣ公司（北京）&amp;合作伙伴'),
    ('zh', '𠀀 Extension B 𠀁字 and 丽 compatibility'),
    ('zh', '  ☀天气☃  '),
]

# ---- corpora: hypotheses and reference streams (refs[k][i]: k-th reference of hypothesis i) ----

CORPORA = {
    'en': (
        ['The quick brown fox jumps over the lazy dog.',
         'It costs $3.5 million, or 1,000 times more than last year.',
         'She said: "We\'ll be there at 10:30 &amp; not later."',
         'The well-known e-mail service was down for 2-3 hours.',
         'Prices rose 5% in the U.S. (and 7% in Europe).',
         'A &lt;b&gt; tag is not text; it is markup.',
         'He scored 3.14 points -- a record!',
         'We need to talk about the budget for 2024.',
         "Don't worry, be happy.",
         'The results (see Table 2) were clear.',
         'Temperatures fell to -5 degrees overnight.',
         'Visit https://example.com/path?q=1 for details.'],
        [['The quick brown fox jumped over the lazy dog.',
          'It cost 3.5 million dollars, 1,000 times more than last year.',
          'She said, &quot;We will be there at 10:30 and not later.&quot;',
          'The well-known email service was down for 2-3 hours on Monday.',
          'Prices rose by 5% in the U.S. and by 7% in Europe.',
          "A &lt;b&gt; tag isn't text: it's markup.",
          'He scored 3.14 points, a new record!',
          'We have to discuss the 2024 budget.',
          'Do not worry; be happy!',
          'The results, shown in Table 2, were clear.',
          'Overnight temperatures fell to -5 degrees.',
          'See https://example.com/path?q=1 for more details.']]),
    'zh': (
        ['今天天气很好，我们去公园散步吧。',
         '他在2023年买了一台iPhone 15。',
         '这个项目的预算是3.5亿元，比去年多1,000万。',
         '“人工智能”正在改变世界——尤其是教育。',
         '请访问www.example.com获取更多信息！',
         '会议将于下午3点开始（北京时间）。',
         '我喜欢用Python和TypeScript编程。',
         '温度达到了35℃，非常热…',
         'ＡＢＣ公司的股价上涨了5%。',
         '他说：“我们明天见。”'],
        [['今天天气不错，我们去公园走走吧。',
          '他2023年买了一部iPhone 15手机。',
          '该项目预算为3.5亿元，比去年增加1,000万。',
          '“人工智能”正在改变世界，特别是教育领域。',
          '更多信息请访问www.example.com！',
          '会议下午3点开始（北京时间）。',
          '我喜欢用TypeScript和Python写程序。',
          '气温高达35℃，十分炎热……',
          'ABC公司股价上涨5%。',
          '他说：“明天见。”']]),
    # two references; hypothesis 3 (5 tokens) is as close to a 4- as to a 6-token reference
    'multi': (
        ['The cat is on the mat.',
         'There is a cat on the mat today.',
         'A dog barks at night',
         'He reads the book slowly.',
         'Rain is expected tomorrow in the north.'],
        [['The cat sits on the mat.',
          'A cat is on the mat.',
          'The dog barks loudly',
          'He is reading the book.',
          'Tomorrow rain is expected in the north.'],
         ['There is a cat on the mat.',
          'Today there is a cat on the mat.',
          'A dog is barking at night',
          'Slowly, he reads the book.',
          'In the north, rain is expected tomorrow.']]),
    # hypotheses shorter than their references: BP < 1
    'short': (
        ['The committee approved the plan.',
         'Sales grew by ten percent.',
         'The museum opens at nine.'],
        [['The committee finally approved the new budget plan on Tuesday.',
          'Sales grew by ten percent compared with the previous quarter.',
          'The museum opens at nine in the morning every day.']]),
    # no 4-gram (and no 3-gram) matches anywhere: smoothing decides the score
    'sparse': (
        ['the red cat sat down on a mat',
         'quickly he ran to the old station',
         'birds fly south in the winter months'],
        [['a red cat once sat on the mat down there',
          'he quickly ran to station old the',
          'in winter the birds fly to the south']]),
}

BLEU_CASES = [  # corpus, tokenize, lowercase
    ('en', '13a', False), ('en', '13a', True), ('en', 'none', False),
    ('zh', 'zh', False), ('zh', 'char', False),
    ('multi', '13a', False), ('short', '13a', False), ('sparse', '13a', False), ('sparse', 'none', False),
]
SMOOTHING = {'exp': 'method3', 'floor': 'method1', 'add-k': 'method2', 'none': 'method0'}


def nltk_bleu(corpus, tokenize, lowercase):
    hyps, streams = CORPORA[corpus]
    hyp_tokens = [tokens(h, tokenize, lowercase) for h in hyps]
    ref_tokens = [[tokens(s[i], tokenize, lowercase) for s in streams] for i in range(len(hyps))]
    assert all(len(h) >= 4 for h in hyp_tokens), f'{corpus}: a hypothesis under 4 tokens (NLTK would count its denominators as 1)'
    p = [[modified_precision(r, h, n) for r, h in zip(ref_tokens, hyp_tokens)] for n in range(1, 5)]
    case = {
        'corpus': corpus, 'tokenize': tokenize, 'lowercase': lowercase,
        'counts': [sum(f.numerator for f in pn) for pn in p],
        'totals': [sum(f.denominator for f in pn) for pn in p],
        'sysLen': sum(len(h) for h in hyp_tokens),
        'refLen': sum(closest_ref_length(r, len(h)) for r, h in zip(ref_tokens, hyp_tokens)),
        'scores': {},
    }
    sf = SmoothingFunction(epsilon=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # method0's "0 counts of n-gram overlaps"
        for method, fn in SMOOTHING.items():
            case['scores'][method] = 100 * corpus_bleu(ref_tokens, hyp_tokens, smoothing_function=getattr(sf, fn))
    return case


# ---- chrF from its definition ----

PUNCT = set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')


def chrpp_words(s):
    out = []
    for w in s.split():
        if len(w) > 1 and w[-1] in PUNCT:
            out += [w[:-1], w[-1]]
        elif len(w) > 1 and w[0] in PUNCT:
            out += [w[0], w[1:]]
        else:
            out.append(w)
    return out


def order_stats(hyp, ref, nc, nw, whitespace):
    """[(hypothesis n-grams, reference n-grams, matches)] per order; hypothesis n-grams count 0 where the reference has none."""
    def grams(seq, n):
        return Counter(tuple(seq[i:i + n]) for i in range(len(seq) - n + 1))
    squash = (lambda s: s) if whitespace else (lambda s: ''.join(s.split()))
    pairs = [(grams(squash(hyp), n), grams(squash(ref), n)) for n in range(1, nc + 1)]
    pairs += [(grams(chrpp_words(hyp), n), grams(chrpp_words(ref), n)) for n in range(1, nw + 1)]
    return [(sum(h.values()) if r else 0, sum(r.values()), sum((h & r).values())) for h, r in pairs]


def f_beta(stats, beta, eps_smoothing):
    b2 = beta * beta
    if eps_smoothing:
        eps, fs = 1e-16, []
        for h, r, m in stats:
            p, rc = (m / h if h else eps), (m / r if r else eps)
            fs.append((1 + b2) * p * rc / (b2 * p + rc) if b2 * p + rc > 0 else eps)
        return 100 * sum(fs) / len(stats)
    live = [(m / h, m / r) for h, r, m in stats if h > 0 and r > 0]
    if not live:
        return 0.0
    P = sum(p for p, _ in live) / len(live)
    R = sum(r for _, r in live) / len(live)
    return 100 * (1 + b2) * P * R / (b2 * P + R) if P + R else 0.0


def chrf(corpus, charOrder=6, wordOrder=0, beta=2, whitespace=False, lowercase=False, epsSmoothing=False):
    hyps, streams = CORPORA[corpus]
    low = (lambda s: s.lower()) if lowercase else (lambda s: s)
    total = None
    for i, hyp in enumerate(hyps):
        candidates = [order_stats(low(hyp), low(s[i]), charOrder, wordOrder, whitespace) for s in streams]
        best = max(candidates, key=lambda st: f_beta(st, beta, epsSmoothing))  # first of equals
        total = best if total is None else [tuple(a + b for a, b in zip(t, s)) for t, s in zip(total, best)]
    return f_beta(total, beta, epsSmoothing)


CHRF_CASES = [
    ('en', {}), ('en', {'wordOrder': 2}), ('en', {'lowercase': True}), ('en', {'whitespace': True}),
    ('en', {'epsSmoothing': True}), ('en', {'beta': 1, 'charOrder': 4}),
    ('zh', {}), ('zh', {'wordOrder': 2}), ('multi', {}), ('multi', {'wordOrder': 2}), ('sparse', {'wordOrder': 2}),
    ('tiny', {}), ('tiny', {'wordOrder': 2, 'epsSmoothing': True}),
]
# references shorter than 6 characters: orders without reference n-grams drop out
CORPORA['tiny'] = (['okay then', 'yes!', 'no way'], [['ok', 'yes', 'no way']])


def check_with_sacrebleu(fixture):
    try:
        import sacrebleu
    except ImportError:
        print('sacrebleu is not installed: fixtures checked against NLTK and this script only')
        return
    for c in fixture['bleu']:
        hyps, refs = CORPORA[c['corpus']]
        for method, value in c['scores'].items():
            s = sacrebleu.corpus_bleu(hyps, refs, tokenize=c['tokenize'], lowercase=c['lowercase'], smooth_method=method)
            assert abs(s.score - value) < 1e-9, (c['corpus'], c['tokenize'], method, s.score, value)
    for c in fixture['chrf']:
        o = c['options']
        m = sacrebleu.CHRF(char_order=o.get('charOrder', 6), word_order=o.get('wordOrder', 0), beta=o.get('beta', 2),
                           lowercase=o.get('lowercase', False), whitespace=o.get('whitespace', False),
                           eps_smoothing=o.get('epsSmoothing', False))
        s = m.corpus_score(*CORPORA[c['corpus']])
        assert abs(s.score - c['score']) < 1e-9, (c, s.score)
    print(f'sacrebleu {sacrebleu.__version__} agrees')


def main():
    fixture = {
        'about': 'written by scripts/bleu_fixtures.py; BLEU scores from NLTK corpus_bleu, chrF from its definition; see the script',
        'tokenize': [[t, line, TOKENIZERS[t](line)] for t, line in TOKENIZE_CASES],
        'corpora': {name: {'hypotheses': h, 'references': r} for name, (h, r) in CORPORA.items()},
        'bleu': [nltk_bleu(*c) for c in BLEU_CASES],
        'chrf': [{'corpus': name, 'options': o, 'score': chrf(name, **o)} for name, o in CHRF_CASES],
    }
    for c in fixture['bleu']:
        assert math.isfinite(c['scores']['exp'])
    sparse = next(c for c in fixture['bleu'] if c['corpus'] == 'sparse')
    assert sparse['counts'][2] == 0 and sparse['counts'][3] == 0, sparse['counts']
    short = next(c for c in fixture['bleu'] if c['corpus'] == 'short')
    assert short['sysLen'] < short['refLen']
    check_with_sacrebleu(fixture)
    fixture_io.write_json(OUT, 'bleu.json', fixture)
    for c in fixture['bleu']:
        print(c['corpus'], c['tokenize'], 'lc' if c['lowercase'] else '', c['counts'], c['totals'], c['sysLen'], c['refLen'],
              {k: round(v, 4) for k, v in c['scores'].items()})
    for c in fixture['chrf']:
        print(c['corpus'], c['options'], round(c['score'], 4))


if __name__ == '__main__':
    sys.exit(main())
