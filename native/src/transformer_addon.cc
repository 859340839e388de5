// The N-API layer of the transformer kernels (transformer.h), registered on the addon's exports by
// addon.cc. Each function takes its typed arrays, its numbers, and (for the kernels with strided
// views) one Float64Array `geom` holding the views as src/backend/native/transformer.ts writes
// them: ndim, offset, shape..., strides... Every view is bounds-checked against its array before
// a kernel reads it. A kernel returns false for a dtype it has no loop for, and the JS side then
// runs the js kernel.
#include <node_api.h>

#include <string>

#include "napi_args.h"
#include "transformer.h"

namespace deepts {

namespace {


/** An optional typed array argument. */
struct Maybe {
  Out out{};
  bool present = false;
  Maybe(const CallArgs& a, size_t i) {
    if (!a.isNull(i)) {
      out = a.array(i);
      present = true;
    }
  }
  const Out* get() const { return present ? &out : nullptr; }
};

#define TFM_FN(name) napi_value name(napi_env env, napi_callback_info info)

/** layerNorm(x, w | null, b | null, out, mean, rstd, rows, cols, eps) */
TFM_FN(LayerNorm) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    Maybe w(a, 1), b(a, 2);
    return layerNorm(a.array(0), a.integer(6), a.integer(7), w.get(), b.get(), a.number(8), a.array(3), a.array(4), a.array(5));
  });
}

/** layerNormBackward(dy, x, w | null, mean, rstd, dx, dw | null, db | null, rows, cols) */
TFM_FN(LayerNormBackward) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    Maybe w(a, 2), dw(a, 6), db(a, 7);
    return layerNormBackward(a.array(0), a.array(1), a.integer(8), a.integer(9), w.get(), a.array(3), a.array(4), a.array(5), dw.get(), db.get());
  });
}

/** rmsNorm(x, w | null, out, rstd, rows, cols, eps) */
TFM_FN(RmsNorm) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    Maybe w(a, 1);
    return rmsNorm(a.array(0), a.integer(4), a.integer(5), w.get(), a.number(6), a.array(2), a.array(3));
  });
}

/** rmsNormBackward(dy, x, w | null, rstd, dx, dw | null, rows, cols) */
TFM_FN(RmsNormBackward) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    Maybe w(a, 2), dw(a, 5);
    return rmsNormBackward(a.array(0), a.array(1), a.integer(6), a.integer(7), w.get(), a.array(3), a.array(4), dw.get());
  });
}

/** embedding(weight, ids, out, rows, cols, geom[ids view]) */
TFM_FN(Embedding) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    GeomReader g(a.array(5), "native transformer");
    const View ids = g.rankedView(a.array(1), "embedding ids");
    return embedding(a.array(0), a.integer(3), a.integer(4), ids, a.array(2));
  });
}

/** embeddingBackward(dy, ids, dweight, rows, cols, paddingIdx, geom[ids view]) */
TFM_FN(EmbeddingBackward) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    GeomReader g(a.array(6), "native transformer");
    const View ids = g.rankedView(a.array(1), "embeddingBackward ids");
    return embeddingBackward(a.array(0), ids, a.integer(3), a.integer(4), a.integer(5), a.array(2));
  });
}

/** geluBackward(x, dy, out, tanh, geom[x view, dy view]) */
TFM_FN(GeluBackward) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    GeomReader g(a.array(4), "native transformer");
    const View x = g.rankedView(a.array(0), "geluBackward x");
    const View dy = g.rankedView(a.array(1), "geluBackward dy");
    return geluBackward(x, dy, a.array(2), a.boolean(3));
  });
}

/** attention(q, k, v, mask | null, out, probs, causal, scale, geom[q, k, v views, mask view when given]) */
TFM_FN(Attention) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    GeomReader g(a.array(8), "native transformer");
    const View q = g.rankedView(a.array(0), "attention q");
    const View k = g.rankedView(a.array(1), "attention k");
    const View v = g.rankedView(a.array(2), "attention v");
    const bool hasMask = !a.isNull(3);
    View m;
    if (hasMask) m = g.rankedView(a.array(3), "attention mask");
    return attention(q, k, v, hasMask ? &m : nullptr, a.boolean(6), a.number(7), a.array(4), a.array(5));
  });
}

/** attentionBackward(q, k, v, probs, dOut, dq, dk, dv, scale, geom[q, k, v, dOut views]) */
TFM_FN(AttentionBackward) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    GeomReader g(a.array(9), "native transformer");
    const View q = g.rankedView(a.array(0), "attentionBackward q");
    const View k = g.rankedView(a.array(1), "attentionBackward k");
    const View v = g.rankedView(a.array(2), "attentionBackward v");
    const View dOut = g.rankedView(a.array(4), "attentionBackward dOut");
    return attentionBackward(q, k, v, a.array(3), dOut, a.number(8), a.array(5), a.array(6), a.array(7));
  });
}

}  // namespace

/** Adds the transformer kernels to the addon's exports (called from addon.cc's module init). */
void registerTransformerKernels(napi_env env, napi_value exports) {
  defineMethods(env, exports, {
      {"layerNorm", LayerNorm},
      {"layerNormBackward", LayerNormBackward},
      {"rmsNorm", RmsNorm},
      {"rmsNormBackward", RmsNormBackward},
      {"embedding", Embedding},
      {"embeddingBackward", EmbeddingBackward},
      {"geluBackward", GeluBackward},
      {"attention", Attention},
      {"attentionBackward", AttentionBackward},
  });
}

}  // namespace deepts
