#!/usr/bin/python3
"""Reference fixtures for deepts' SentencePiece tokenizers, from Google's sentencepiece.

Run with Debian's Python (needs python3-sentencepiece and python3-protobuf):

    apt-get install -y python3-sentencepiece python3-protobuf
    /usr/bin/python3 scripts/tokenizer_fixtures.py

It reads the tokenizer models and texts from $DEEPTS_DATA (default: <repo>/../shared/data) and
writes fixtures/tokenizers/sentencepiece_reference.json, which test/tokenizers/ compares with.
For LLaMA, the merged Chinese-LLaMA (built here exactly as Chinese-LLaMA-Alpaca's
merge_tokenizers.py does) and Chinese-LLaMA-2 it records:

  - full ids for hand-picked edge cases and the lecture's two lines of poetry;
  - per text, the id count and a short sha256 of the ids, for a deterministic sample of Tiny
    Shakespeare lines, sentiment reviews, and random Unicode strings (saved in the fixture);
  - per corpus (every line of Tiny Shakespeare, every review of the sentiment files), the total
    id count, character count and a sha256 over all id lists, so whole-corpus equality can be
    checked without committing the ids;
  - decode results for random id sequences (byte pieces splitting characters, controls, <unk>);
  - the sha256 of the merged model file, which deepts' merge must reproduce byte for byte.

Only small JSON is written; the data files and the merged model are never copied into the repo.
"""
import csv
import hashlib
import json
import os
import random
import sys

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as sp_pb2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.abspath(os.environ.get('DEEPTS_DATA', os.path.join(ROOT, '..', 'shared', 'data')))
OUT = os.path.join(ROOT, 'fixtures', 'tokenizers', 'sentencepiece_reference.json')


def data(*parts):
    path = os.path.join(DATA, *parts)
    if not os.path.exists(path):
        sys.exit(f'tokenizer_fixtures.py: missing data file {path} (set DEEPTS_DATA?)')
    return path


def read_bytes(*parts):
    with open(data(*parts), 'rb') as f:
        return f.read()


def merge_chinese_llama():
    """Chinese-LLaMA-Alpaca scripts/merge_tokenizer/merge_tokenizers.py, without the HF parts."""
    llama = sp_pb2.ModelProto()
    llama.ParseFromString(read_bytes('tokenizers', 'llama', 'tokenizer.model'))
    chinese = sp_pb2.ModelProto()
    chinese.ParseFromString(read_bytes('tokenizers', 'chinese-llama', 'chinese_sp.model'))
    have = set(p.piece for p in llama.pieces)
    for p in chinese.pieces:
        if p.piece not in have:
            new_p = sp_pb2.ModelProto().SentencePiece()
            new_p.piece = p.piece
            new_p.score = 0
            llama.pieces.append(new_p)
    return llama.SerializeToString()


def processor(serialized):
    sp = spm.SentencePieceProcessor()
    sp.LoadFromSerializedProto(serialized)
    return sp


# The column parsing here is mirrored by src/tokenizers/sentiment-texts.ts.
def chinese_reviews(*parts):
    with open(data(*parts), encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f))
    return [r[1] for r in rows[1:] if len(r) >= 2]


def english_sentences(*parts):
    with open(data(*parts), encoding='utf-8') as f:
        lines = f.read().split('\n')
    return [line.split('\t')[0] for line in lines[1:] if line != '']


POOLS = [
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '0123456789',
    '     \t\n\n\r',
    ".,;:!?'\"()[]{}-_/\\@#$%^&*+=<>|~`",
    "'s't're've'm'll'd",
    '\u00a0\u2009\u3000\u2028\u0085\ufeff\u000b\u000c\u001c\u2581',
    'éèêëñüößçàÀÉØåæœ',
    '中文字符测试男儿何不带吴钩收取关山五十州杂申椒与菌桂兮岂维纫夫蕙茝。，、',
    'Ωαβγδπσλμ',
    'абвгдежзийклмнопрст',
    'مرحبا עברית हिन्दी ไทย 한국어 日本語カタカナ',
    '\u0301\u0308\u200d\u200b\ufe0f',
    '😀🎉👍🏽🇨🇳𝔘𝔫𝔦𝔠𝔬𝔡𝔢𠀀',
    '١٢٣٤٥⅓²³①',
    '<s></s><unk><0x41>▁',
]


def random_string(rng, max_len):
    n = rng.randrange(max_len)
    pool = rng.choice(POOLS)
    out = []
    for _ in range(n):
        if rng.random() < 0.2:
            pool = rng.choice(POOLS)
        if rng.random() < 0.03:
            c = rng.randrange(0x20, 0x30000)
            if not 0xD800 <= c <= 0xDFFF:
                out.append(chr(c))
        else:
            out.append(rng.choice(pool))
    return ''.join(out)


EDGE_CASES = [
    '', ' ', '  ', 'a', ' a', 'a ', '  two  spaces  ', '\n', 'line one\nline two\n', '\t tab',
    'Hello world', 'Hello, World! 123 4567 3.14159', "don't won't I'll we've",
    '\ufeff', '\ufeffBOM', '▁', '▁▁x', '<s>', '</s>', '<unk>', '<0x41>', 'a<s>b',
    '男儿何不带吴钩，收取关山五十州。', '杂申椒与菌桂兮，岂维纫夫蕙茝。',
    '茝', '😀', '𠀀', 'e\u0301', '１２３ＡＢＣ', '\u3000全角空格', 'カタカナ', '🇨🇳',
    'The GPT family of models process text using tokens, which are common sequences of characters found in text.',
]


def id_digest(ids):
    return hashlib.sha256(json.dumps(ids, separators=(',', ':')).encode()).hexdigest()[:16]


def corpus_digest(sp, texts):
    h = hashlib.sha256()
    tokens = 0
    chars = 0
    for t in texts:
        ids = sp.encode(t)
        tokens += len(ids)
        chars += len(t)
        h.update((json.dumps(ids, separators=(',', ':')) + '\n').encode())
    return {'texts': len(texts), 'chars': chars, 'tokens': tokens, 'sha256': h.hexdigest()}


def main():
    merged = merge_chinese_llama()
    models = {
        'llama': read_bytes('tokenizers', 'llama', 'tokenizer.model'),
        'chinese-llama': merged,
        'chinese-llama-2': read_bytes('tokenizers', 'chinese-llama-2', 'tokenizer.model'),
    }
    sps = {name: processor(b) for name, b in models.items()}

    rng = random.Random(20240611)
    with open(data('tinyshakespeare', 'input.txt'), encoding='utf-8') as f:
        shakespeare_lines = f.read().split('\n')
    chn = chinese_reviews('sentiment', 'chnsenticorp', 'ChnSentiCorp_htl_all.csv')
    waimai = chinese_reviews('sentiment', 'waimai_10k', 'waimai_10k.csv')
    sst2 = english_sentences('sentiment', 'sst2', 'train.tsv')
    samples = []
    samples += rng.sample(shakespeare_lines, 150)
    for _ in range(30):
        i = rng.randrange(len(shakespeare_lines) - 6)
        samples.append('\n'.join(shakespeare_lines[i:i + 6]))
    samples += rng.sample(chn, 60) + rng.sample(waimai, 60) + rng.sample(sst2, 60)
    samples += [random_string(rng, 200 if i % 10 == 0 else 40) for i in range(1500)]

    corpora = {
        'tinyshakespeare-lines': shakespeare_lines,
        'chnsenticorp': chn,
        'waimai_10k': waimai,
        'sst2-train': sst2,
    }

    out = {
        'generator': 'scripts/tokenizer_fixtures.py',
        'sentencepiece_version': spm.__version__,
        'models': {name: {
            'sha256': hashlib.sha256(b).hexdigest(),
            'pieces': sps[name].get_piece_size(),
        } for name, b in models.items()},
        'edge_cases': [{'text': t, 'ids': {n: sp.encode(t) for n, sp in sps.items()},
                        'pieces': {n: sp.encode(t, out_type=str) for n, sp in sps.items()}} for t in EDGE_CASES],
        'samples': [{'text': t, 'digest': {n: [len(ids), id_digest(ids)] for n, sp in sps.items() for ids in [sp.encode(t)]}}
                    for t in samples],
        'corpora': {c: {n: corpus_digest(sp, texts) for n, sp in sps.items()} for c, texts in corpora.items()},
        'decode': {},
    }
    for name, sp in sps.items():
        size = sp.get_piece_size()
        cases = []
        for _ in range(120):
            ids = []
            for _ in range(rng.randrange(1, 16)):
                r = rng.random()
                if r < 0.4:
                    ids.append(rng.randrange(3, 259))  # byte pieces in LLaMA-family models
                elif r < 0.5:
                    ids.append(rng.randrange(0, 3))  # <unk>, <s>, </s>
                else:
                    ids.append(rng.randrange(size))
            cases.append({'ids': ids, 'text': sp.decode(ids)})
        out['decode'][name] = cases

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)')
    for c, per in out['corpora'].items():
        print(c, {n: round(d['tokens'] / max(1, d['chars']), 3) for n, d in per.items()})


if __name__ == '__main__':
    main()
