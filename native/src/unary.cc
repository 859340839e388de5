// unary: float32 and float64 loops the compiler vectorizes, threaded over linear index ranges
// above a size threshold. Results are what JS computes: exact ops (negation, √, ...) in the
// element type, the others in double and rounded once, as a JS number stored into a Float32Array.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "kernels.h"
#include "math_ops.h"
#include "multiversion.h"
#include "thread_pool.h"

namespace deepts {

const char* const kUnaryOps[] = {"neg",     "abs",      "sign",   "exp",    "log",   "sqrt",      "rsqrt",
                                 "square",  "reciprocal", "sin",  "cos",    "tanh",  "sigmoid",   "relu",
                                 "floor",   "ceil",     "round",  "erf",    "softplus", "silu",   "gelu",
                                 "geluTanh", "leakyRelu", "elu",  "powScalar", "clamp", "logicalNot"};
const int kUnaryOpCount = sizeof(kUnaryOps) / sizeof(kUnaryOps[0]);

namespace {

// Elements per task below which threads do not pay; ops costing a libm call split finer.
constexpr int64_t kCheapGrain = 1 << 15;
constexpr int64_t kCostlyGrain = 1 << 11;

/** One run of n elements (stride s) through op: the loop the compiler vectorizes per level. */
template <class Tin, class Tout, class Op>
DEEPTS_INLINE void mapRowBody(const Op& op, const Tin* DEEPTS_RESTRICT src, int64_t s, Tout* DEEPTS_RESTRICT dst, int64_t n) {
  if (s == 1)
    for (int64_t j = 0; j < n; j++) dst[j] = op.template apply<Tin, Tout>(src[j]);
  else
    for (int64_t j = 0; j < n; j++) dst[j] = op.template apply<Tin, Tout>(src[j * s]);
}
DEEPTS_MULTIVERSION_TEMPLATE(class Tin DEEPTS_COMMA class Tout DEEPTS_COMMA class Op, mapRow, (mapRowBody<Tin, Tout, Op>),
                             (const Op& op, const Tin* src, int64_t s, Tout* dst, int64_t n), (op, src, s, dst, n))

/** Runs `op` (a functor with a templated operator()) over x into out for one (in, out) dtype pair. */
template <class Tin, class Tout, class Op>
void mapRun(const Op& op, const StridedIter<1>& it, const Tin* x, Tout* o, int64_t grain) {
  const int64_t s = it.innerStride(0);
  parallelFor(it.total(), grain, [&](int64_t b, int64_t e) {
    it.run(b, e, [&](int64_t pos, const int64_t* off, int64_t n) { mapRow<Tin, Tout, Op>(op, x + off[0], s, o + pos, n); });
  });
}

/** Adapts a math functor f(T) to (Tin -> Tout): floats stay floats, anything else goes through a double. */
template <class F>
struct UnaryAdapter {
  F f;
  template <class Tin, class Tout>
  DEEPTS_INLINE Tout apply(Tin x) const {
    if constexpr (std::is_same<Tin, Tout>::value && std::is_floating_point<Tin>::value) return f(x);
    else return fromDouble<Tout>(f(static_cast<double>(x)));
  }
};

// Native loops exist for float32 → float32 and float64 → float64 (the ops' hot path); other
// dtype pairs (int32 abs, logicalNot into bool, ...) are rare and small, and return false to js.
template <class F>
bool unaryWith(F f, const View& x, const Out& out, int64_t grain) {
  if (x.dtype != out.dtype || (x.dtype != DType::F32 && x.dtype != DType::F64)) return false;
  const int64_t* strides[1] = {x.strides};
  StridedIter<1> it(x.ndim, x.shape, strides);
  if (out.length < it.total()) throw KernelError(KernelError::Range, "unary: output too small");
  UnaryAdapter<F> op{f};
  if (x.dtype == DType::F32) mapRun<float, float>(op, it, x.ptr<float>(), out.as<float>(), grain);
  else mapRun<double, double>(op, it, x.ptr<double>(), out.as<double>(), grain);
  return true;
}

}  // namespace

bool unary(int op, const View& x, const Out& out, double p0, double p1) {
  using namespace mathops;
  switch (op) {
    case 0: return unaryWith(Neg{}, x, out, kCheapGrain);
    case 1: return unaryWith(Abs{}, x, out, kCheapGrain);
    case 2: return unaryWith(Sign{}, x, out, kCheapGrain);
    case 3: return unaryWith(Exp{}, x, out, kCostlyGrain);
    case 4: return unaryWith(Log{}, x, out, kCostlyGrain);
    case 5: return unaryWith(Sqrt{}, x, out, kCheapGrain);
    case 6: return unaryWith(Rsqrt{}, x, out, kCheapGrain);
    case 7: return unaryWith(Square{}, x, out, kCheapGrain);
    case 8: return unaryWith(Reciprocal{}, x, out, kCheapGrain);
    case 9: return unaryWith(Sin{}, x, out, kCostlyGrain);
    case 10: return unaryWith(Cos{}, x, out, kCostlyGrain);
    case 11: return unaryWith(Tanh{}, x, out, kCostlyGrain);
    case 12: return unaryWith(Sigmoid{}, x, out, kCostlyGrain);
    case 13: return unaryWith(Relu{}, x, out, kCheapGrain);
    case 14: return unaryWith(Floor{}, x, out, kCheapGrain);
    case 15: return unaryWith(Ceil{}, x, out, kCheapGrain);
    case 16: return unaryWith(Round{}, x, out, kCheapGrain);
    case 17: return unaryWith(Erf{}, x, out, kCostlyGrain);
    case 18: return unaryWith(Softplus{p0, p1}, x, out, kCostlyGrain);
    case 19: return unaryWith(Silu{}, x, out, kCostlyGrain);
    case 20: return unaryWith(Gelu{}, x, out, kCostlyGrain);
    case 21: return unaryWith(GeluTanh{}, x, out, kCostlyGrain);
    case 22: return unaryWith(LeakyRelu{p0}, x, out, kCheapGrain);
    case 23: return unaryWith(Elu{p0}, x, out, kCostlyGrain);
    case 24: return unaryWith(PowScalar{p0}, x, out, kCostlyGrain);
    case 25: return unaryWith(Clamp{std::isnan(p0) ? -INFINITY : p0, std::isnan(p1) ? INFINITY : p1}, x, out,
                              kCheapGrain);
    case 26: return unaryWith(LogicalNot{}, x, out, kCheapGrain);
    default: return false;
  }
}

}  // namespace deepts
