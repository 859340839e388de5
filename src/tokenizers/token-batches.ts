// Training batches for language models, as on the lecture's "如何训练" slide: documents are
// encoded, joined into one token stream with a separator (<|endoftext|>) after each, and cut
// into B rows of T tokens; the targets are the same rows shifted one token to the left.

/** One stream of ids: each document followed by the separator id. */
export function joinDocuments(docs: ReadonlyArray<ArrayLike<number>>, separator: number): Int32Array {
  let n = 0;
  for (const d of docs) n += d.length + 1;
  const out = new Int32Array(n);
  let o = 0;
  for (const d of docs) {
    for (let i = 0; i < d.length; i++) out[o++] = d[i]!;
    out[o++] = separator;
  }
  return out;
}

export type TokenBatch = { B: number; T: number; inputs: Int32Array; targets: Int32Array };

/**
 * The (B, T) batch starting at `offset` in the stream: row b is stream[offset + b*T ..][0..T),
 * its targets the following ids. Needs offset + B*T + 1 <= stream length.
 */
export function batchAt(stream: ArrayLike<number>, B: number, T: number, offset = 0): TokenBatch {
  if (!Number.isInteger(B) || !Number.isInteger(T) || B < 1 || T < 1) throw new RangeError(`batchAt: B and T must be positive integers, got B=${B}, T=${T}`);
  if (!Number.isInteger(offset) || offset < 0 || offset + B * T + 1 > stream.length) {
    throw new RangeError(`batchAt: a ${B}x${T} batch at offset ${offset} needs ${offset + B * T + 1} tokens, the stream has ${stream.length}`);
  }
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let i = 0; i < B * T; i++) {
    inputs[i] = stream[offset + i]!;
    targets[i] = stream[offset + i + 1]!;
  }
  return { B, T, inputs, targets };
}
