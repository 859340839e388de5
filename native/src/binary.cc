// binary: arithmetic, comparisons and logic over two views of one shape (broadcasting is stride 0),
// with loops specialised for the contiguous, scalar-broadcast and strided cases.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "kernels.h"
#include "math_ops.h"
#include "multiversion.h"
#include "thread_pool.h"

namespace deepts {

const char* const kBinaryOps[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq",
                                  "ne",  "lt",  "le",  "gt",  "ge",  "logicalAnd", "logicalOr"};
const int kBinaryOpCount = sizeof(kBinaryOps) / sizeof(kBinaryOps[0]);

namespace {

constexpr int64_t kCheapGrain = 1 << 15;  // elements per task below which threads do not pay

/** Arithmetic: floats in their own type (the functor decides), integers through a double as JS does. */
template <class F>
struct ArithAdapter {
  F f;
  template <class T, class R>
  DEEPTS_INLINE R apply(T a, T b) const {
    if constexpr (std::is_floating_point<T>::value) return f(a, b);
    else return fromDouble<R>(f(static_cast<double>(a), static_cast<double>(b)));
  }
};

/** Comparisons and logic write 0/1 into a bool array. */
template <class F>
struct CompareAdapter {
  F f;
  template <class T, class R>
  DEEPTS_INLINE R apply(T a, T b) const {
    return static_cast<R>(f(a, b) ? 1 : 0);
  }
};

/** One run of n elements: contiguous, scalar-broadcast or strided, vectorized per level. */
template <class T, class R, class Op>
DEEPTS_INLINE void zipRowBody(const Op& op, const T* DEEPTS_RESTRICT x, int64_t sa, const T* DEEPTS_RESTRICT y, int64_t sb,
                              R* DEEPTS_RESTRICT dst, int64_t n) {
  if (sa == 1 && sb == 1) {
    for (int64_t j = 0; j < n; j++) dst[j] = op.template apply<T, R>(x[j], y[j]);
  } else if (sa == 1 && sb == 0) {
    const T y0 = y[0];
    for (int64_t j = 0; j < n; j++) dst[j] = op.template apply<T, R>(x[j], y0);
  } else if (sa == 0 && sb == 1) {
    const T x0 = x[0];
    for (int64_t j = 0; j < n; j++) dst[j] = op.template apply<T, R>(x0, y[j]);
  } else {
    for (int64_t j = 0; j < n; j++) dst[j] = op.template apply<T, R>(x[j * sa], y[j * sb]);
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T DEEPTS_COMMA class R DEEPTS_COMMA class Op, zipRow, (zipRowBody<T, R, Op>),
                             (const Op& op, const T* x, int64_t sa, const T* y, int64_t sb, R* dst, int64_t n),
                             (op, x, sa, y, sb, dst, n))

template <class T, class R, class Op>
void zipRun(const Op& op, const StridedIter<2>& it, const T* a, const T* b, R* o) {
  const int64_t sa = it.innerStride(0), sb = it.innerStride(1);
  parallelFor(it.total(), kCheapGrain, [&](int64_t begin, int64_t end) {
    it.run(begin, end, [&](int64_t pos, const int64_t* off, int64_t n) { zipRow<T, R, Op>(op, a + off[0], sa, b + off[1], sb, o + pos, n); });
  });
}

// float32, float64 and int32 operands (int32 through a double, as JS); bool operands go to js.
template <class Op>
bool binaryWith(const Op& op, bool toBool, const View& a, const View& b, const Out& out) {
  if (a.dtype != b.dtype || a.ndim != b.ndim || a.dtype == DType::U8) return false;
  if (toBool ? out.dtype != DType::U8 : out.dtype != a.dtype) return false;
  const int64_t* strides[2] = {a.strides, b.strides};
  StridedIter<2> it(a.ndim, a.shape, strides);
  if (out.length < it.total()) throw KernelError(KernelError::Range, "binary: output too small");
  const auto run = [&](auto t) {
    using T = decltype(t);
    if (toBool) zipRun<T, uint8_t>(op, it, a.ptr<T>(), b.ptr<T>(), out.as<uint8_t>());
    else zipRun<T, T>(op, it, a.ptr<T>(), b.ptr<T>(), out.as<T>());
  };
  if (a.dtype == DType::F32) run(float{});
  else if (a.dtype == DType::F64) run(double{});
  else run(int32_t{});
  return true;
}

}  // namespace

bool binary(int op, const View& a, const View& b, const Out& out) {
  using namespace mathops;
  switch (op) {
    case 0: return binaryWith(ArithAdapter<Add>{}, false, a, b, out);
    case 1: return binaryWith(ArithAdapter<Sub>{}, false, a, b, out);
    case 2: return binaryWith(ArithAdapter<Mul>{}, false, a, b, out);
    case 3: return binaryWith(ArithAdapter<Div>{}, false, a, b, out);
    case 4: return binaryWith(ArithAdapter<Pow>{}, false, a, b, out);
    case 5: return binaryWith(ArithAdapter<Maximum>{}, false, a, b, out);
    case 6: return binaryWith(ArithAdapter<Minimum>{}, false, a, b, out);
    case 7: return binaryWith(CompareAdapter<Eq>{}, true, a, b, out);
    case 8: return binaryWith(CompareAdapter<Ne>{}, true, a, b, out);
    case 9: return binaryWith(CompareAdapter<Lt>{}, true, a, b, out);
    case 10: return binaryWith(CompareAdapter<Le>{}, true, a, b, out);
    case 11: return binaryWith(CompareAdapter<Gt>{}, true, a, b, out);
    case 12: return binaryWith(CompareAdapter<Ge>{}, true, a, b, out);
    case 13: return binaryWith(CompareAdapter<LogicalAnd>{}, true, a, b, out);
    case 14: return binaryWith(CompareAdapter<LogicalOr>{}, true, a, b, out);
    default: return false;
  }
}

}  // namespace deepts
