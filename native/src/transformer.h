// The transformer section of the kernel list (src/backend/kernels.ts, "normalization for
// transformers") in C++: layer/RMS norm forward and fused backward, embedding gather and
// scatter-add, the GELU derivative and fused scaled dot-product attention forward and backward.
// transformer_addon.cc is their N-API layer. Each returns false for a dtype combination it has no
// loop for (the JS side then runs the js kernel); bad ids and sizes throw KernelErrors.
#pragma once

#include <cstdint>

#include "kernels.h"

namespace deepts {

/** Row arrays are contiguous (rows, cols); weight/bias (cols,) or null; mean/rstd (rows,) float32 or float64. */
bool layerNorm(const Out& x, int64_t rows, int64_t cols, const Out* weight, const Out* bias, double eps, const Out& out, const Out& mean,
               const Out& rstd);
bool layerNormBackward(const Out& dy, const Out& x, int64_t rows, int64_t cols, const Out* weight, const Out& mean, const Out& rstd,
                       const Out& dx, const Out* dweight, const Out* dbias);
bool rmsNorm(const Out& x, int64_t rows, int64_t cols, const Out* weight, double eps, const Out& out, const Out& rstd);
bool rmsNormBackward(const Out& dy, const Out& x, int64_t rows, int64_t cols, const Out* weight, const Out& rstd, const Out& dx,
                     const Out* dweight);

/** out (n, cols) row i = weight row ids[i]; ids an int32 view. Throws a Range KernelError naming the first bad id. */
bool embedding(const Out& weight, int64_t rows, int64_t cols, const View& ids, const Out& out);
/** dweight row ids[i] += dy row i, skipping paddingIdx (−1: none). */
bool embeddingBackward(const Out& dy, const View& ids, int64_t rows, int64_t cols, int64_t paddingIdx, const Out& dweight);

/** out = dy · gelu'(x); x and dy views of one shape; tanh selects the tanh approximation. */
bool geluBackward(const View& x, const View& dy, const Out& out, bool tanh);

/** q (B, H, Tq, D), k (B, H, Tk, D), v (B, H, Tk, Dv), mask (B, H, Tq, Tk) broadcast view or null. */
bool attention(const View& q, const View& k, const View& v, const View* mask, bool causal, double scale, const Out& out, const Out& probs);
bool attentionBackward(const View& q, const View& k, const View& v, const Out& probs, const View& dOut, double scale, const Out& dq,
                       const Out& dk, const Out& dv);

}  // namespace deepts
