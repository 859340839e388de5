// Sampling speed with and without the KV cache, at a 256-token context: a shakespeare-char-shaped
// GPT (4 layers, 4 heads, 128 wide, 65 tokens) with block size 256 generates 255 tokens from one,
// once recomputing the whole context per token and once with the cache; same seed, so the tokens
// must be identical. Run: node dist/bench/kv-cache.js [tokens]   (prints a markdown row)
import { cpus, loadavg } from 'node:os';
import { Generator } from '../src/tensor/generator.js';
import { GPT } from '../src/models/gpt.js';
import { generate } from '../src/generate/generate.js';
import { getBackend } from '../src/backend/registry.js';

const tokens = Number(process.argv[2] ?? 255);
const model = new GPT({ blockSize: 256, vocabSize: 65, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false }, { generator: new Generator(1) });
const opts = { maxNewTokens: tokens, temperature: 1, seed: 1337 };
generate(model, [0], { ...opts, maxNewTokens: 8 }); // warm up
let t = performance.now();
const cached = generate(model, [0], opts);
const withCache = tokens / ((performance.now() - t) / 1000);
t = performance.now();
const full = generate(model, [0], { ...opts, useCache: false });
const without = tokens / ((performance.now() - t) / 1000);
const same = cached.length === full.length && cached.every((id, i) => id === full[i]);
console.log('| backend | context | tokens | no cache tok/s | KV cache tok/s | speed-up | identical tokens | load (1 min) |');
console.log('|---|---|---|---|---|---|---|---|');
console.log(
  `| ${getBackend().name} | 256 | ${tokens} | ${without.toFixed(1)} | ${withCache.toFixed(1)} | ${(withCache / without).toFixed(1)}× | ${same ? 'yes' : 'NO'} | ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores |`,
);
if (!same) process.exitCode = 1;
