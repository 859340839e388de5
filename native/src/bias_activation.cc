// out = act(x + bias) over a contiguous (rows, cols) array in one pass: the epilogue of a Linear
// layer. The sum is rounded to the element type before the activation, exactly as the separate
// add and activation ops compute it.
#include "kernels.h"
#include "math_ops.h"
#include "thread_pool.h"

namespace deepts {

const char* const kActivations[] = {"identity", "relu", "gelu", "geluTanh", "silu", "tanh", "sigmoid"};
const int kActivationCount = sizeof(kActivations) / sizeof(kActivations[0]);

namespace {

struct Identity {
  template <class T>
  DEEPTS_INLINE T operator()(T x) const { return x; }
};

template <class T, class Act>
void biasAct(const T* x, const T* bias, int64_t rows, int64_t cols, T* out, Act act, int64_t grain) {
  parallelFor(rows, std::max<int64_t>(1, grain / std::max<int64_t>(cols, 1)), [&](int64_t rb, int64_t re) {
    for (int64_t r = rb; r < re; r++) {
      const T* xr = x + r * cols;
      T* o = out + r * cols;
      if (bias)
        for (int64_t c = 0; c < cols; c++) o[c] = act(static_cast<T>(xr[c] + bias[c]));
      else
        for (int64_t c = 0; c < cols; c++) o[c] = act(xr[c]);
    }
  });
}

template <class T>
bool biasActTyped(const T* x, const T* bias, int64_t rows, int64_t cols, T* out, int activation) {
  using namespace mathops;
  constexpr int64_t cheap = 1 << 15, costly = 1 << 11;
  switch (activation) {
    case 0: biasAct(x, bias, rows, cols, out, Identity{}, cheap); return true;
    case 1: biasAct(x, bias, rows, cols, out, Relu{}, cheap); return true;
    case 2: biasAct(x, bias, rows, cols, out, Gelu{}, costly); return true;
    case 3: biasAct(x, bias, rows, cols, out, GeluTanh{}, costly); return true;
    case 4: biasAct(x, bias, rows, cols, out, Silu{}, costly); return true;
    case 5: biasAct(x, bias, rows, cols, out, Tanh{}, costly); return true;
    case 6: biasAct(x, bias, rows, cols, out, Sigmoid{}, costly); return true;
    default: return false;
  }
}

}  // namespace

bool biasActivation(const Out& x, const Out* bias, int64_t rows, int64_t cols, int activation, const Out& out) {
  if (x.dtype != out.dtype || (bias && bias->dtype != x.dtype)) return false;
  if (x.length < rows * cols || out.length < rows * cols || (bias && bias->length < cols))
    throw KernelError(KernelError::Range, "biasActivation: arrays too small");
  if (x.dtype == DType::F32)
    return biasActTyped(x.as<float>(), bias ? bias->as<float>() : nullptr, rows, cols, out.as<float>(), activation);
  if (x.dtype == DType::F64)
    return biasActTyped(x.as<double>(), bias ? bias->as<double>() : nullptr, rows, cols, out.as<double>(), activation);
  return false;
}

}  // namespace deepts
