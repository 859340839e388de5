// The native implementation of the kernel list (src/backend/kernels.ts), as plain C++ functions
// over Views; addon.cc is the thin N-API layer that calls them. Op codes are the positions of the
// names in the k*Ops tables below: the JS side maps its names through them once, at load.
#pragma once

#include <cstdint>

#include "view.h"

namespace deepts {

extern const char* const kUnaryOps[];
extern const int kUnaryOpCount;
extern const char* const kBinaryOps[];
extern const int kBinaryOpCount;
extern const char* const kReduceOps[];
extern const int kReduceOpCount;
extern const char* const kActivations[];
extern const int kActivationCount;

/** An output array: contiguous, `length` elements of `dtype`. */
struct Out {
  void* data;
  DType dtype;
  int64_t length;
  template <class T>
  T* as() const {
    return static_cast<T*>(data);
  }
};

/** Returns false when the dtype combination has no native loop (the caller uses js). */
bool unary(int op, const View& x, const Out& out, double p0, double p1);
bool binary(int op, const View& a, const View& b, const Out& out);
bool where(const View& cond, const View& a, const View& b, const Out& out);
bool reduce(int op, const View& x, const int* axes, int naxes, const Out& out);
bool matmul(const View& a, const View& b, const Out& out);
bool softmax(const Out& x, int64_t rows, int64_t cols, const Out& out, bool log);
/** gather/scatterAdd return the first out-of-range index through *bad (and false) when there is one. */
bool gather(const View& x, int axis, const View& index, const Out& out, int64_t* badIndex, bool* outOfRange);
bool scatterAdd(const Out& out, const int64_t* outShape, int ndim, int axis, const View& index, const View& src,
                int64_t* badIndex, bool* outOfRange);
bool copy(const View& src, const View& dst);
bool randomUniform(const Out& out, double low, double high, uint32_t seed, double offset);
bool dropoutMask(const Out& out, double keep, double scale, uint32_t seed, double offset);

struct AdamArgs {
  double lr, beta1, beta2, eps, weightDecay;
  double step;
  bool decoupled, amsgrad;
};
struct SgdArgs {
  double lr, momentum, dampening, weightDecay;
  bool nesterov, firstStep;
};
struct RmspropArgs {
  double lr, alpha, eps, weightDecay, momentum;
  bool centered;
};
bool adamStep(const Out& param, const Out& grad, const Out& m, const Out& v, const Out* vMax, const AdamArgs& p);
bool sgdStep(const Out& param, const Out& grad, const Out* buf, const SgdArgs& p);
bool rmspropStep(const Out& param, const Out& grad, const Out& squareAvg, const Out* gradAvg, const Out* buf,
                 const RmspropArgs& p);

/**
 * Fused log-softmax + NLL over (rows, cols) logits: losses[r] = logsumexp(x[r]) − x[r, t[r]] and
 * lse[r] = logsumexp(x[r]); rows whose target is ignoreIndex get loss 0. Returns false and sets
 * *badRow when a target is out of range.
 */
bool crossEntropyForward(const Out& logits, int64_t rows, int64_t cols, const int32_t* target, int32_t ignoreIndex,
                         const Out& losses, const Out& lse, int64_t* badRow);
/** grad[r, c] = scale[r] · (softmax(x[r])[c] − [c == t[r]]), 0 on ignored rows. */
bool crossEntropyBackward(const Out& logits, int64_t rows, int64_t cols, const int32_t* target, int32_t ignoreIndex,
                          const Out& lse, const Out& scale, const Out& grad);
/** out[r, c] = act(x[r, c] + bias[c]) over a contiguous (rows, cols) array; out may be x. */
bool biasActivation(const Out& x, const Out* bias, int64_t rows, int64_t cols, int activation, const Out& out);

}  // namespace deepts
