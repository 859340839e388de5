// Reductions over any set of axes, accumulated in double (as the js kernels do), in one of three
// loop orders chosen from the strides:
//  - inner: each output walks its reduced region (contiguous runs summed with 8 accumulators);
//  - outer: when the kept axes are contiguous and the reduced ones are not (a bias gradient, the
//    sum over a batch), whole rows are accumulated into a block of outputs, vectorized;
//  - split: one output over a large region is cut into per-thread partials combined in order.
// Every output sees its elements in a fixed order, so results depend only on the thread count.
#include <cmath>
#include <vector>

#include "kernels.h"
#include "thread_pool.h"

namespace deepts {

const char* const kReduceOps[] = {"sum", "prod", "max", "min", "argmax", "argmin"};
const int kReduceOpCount = sizeof(kReduceOps) / sizeof(kReduceOps[0]);

namespace {

enum Op { Sum = 0, Prod = 1, Max = 2, Min = 3, ArgMax = 4, ArgMin = 5 };

constexpr int64_t kGrain = 1 << 15;  // elements read per task, at least

/** The running state of one output: a value and, for arg ops, the index where it was found. */
struct Acc {
  double v;
  int64_t i;
};

inline Acc initial(int op) {
  switch (op) {
    case Sum: return {0.0, 0};
    case Prod: return {1.0, 0};
    case Max:
    case ArgMax: return {-INFINITY, 0};
    default: return {INFINITY, 0};
  }
}

/** Folds element v (at reduced index k) into a; NaN wins and stays, ties keep the first. */
template <int OP>
DEEPTS_INLINE void fold(Acc& a, double v, int64_t k) {
  if constexpr (OP == Sum) a.v += v;
  else if constexpr (OP == Prod) a.v *= v;
  else if constexpr (OP == Max) { if (v > a.v || v != v) a.v = (a.v != a.v) ? a.v : v; }
  else if constexpr (OP == Min) { if (v < a.v || v != v) a.v = (a.v != a.v) ? a.v : v; }
  else if constexpr (OP == ArgMax) { if (a.v == a.v && (v > a.v || v != v)) a.v = v, a.i = k; }
  else { if (a.v == a.v && (v < a.v || v != v)) a.v = v, a.i = k; }
}

/** Combines the partial result b of a later chunk into a (same rules as folding its element). */
template <int OP>
DEEPTS_INLINE void combine(Acc& a, const Acc& b) {
  if constexpr (OP == Sum) a.v += b.v;
  else if constexpr (OP == Prod) a.v *= b.v;
  else fold<OP>(a, b.v, b.i);
}

/** Folds a run of n elements (stride s) whose first has reduced index k0. */
template <int OP, class T>
DEEPTS_INLINE void foldRun(Acc& a, const T* p, int64_t s, int64_t n, int64_t k0) {
  if constexpr (OP == Sum) {
    if (s == 1 && n >= 16) {
      // 8 independent partial sums: the compiler vectorizes this, and the order is fixed
      double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t j = 0;
      for (; j + 8 <= n; j += 8)
        for (int l = 0; l < 8; l++) part[l] += static_cast<double>(p[j + l]);
      double s8 = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
      for (; j < n; j++) s8 += static_cast<double>(p[j]);
      a.v += s8;
      return;
    }
  }
  for (int64_t j = 0; j < n; j++) fold<OP>(a, static_cast<double>(p[j * s]), k0 + j);
}

/** Drops size-1 dims and merges contiguous neighbours of a (shape, strides) region. */
int collapse(int nd, int64_t* shape, int64_t* strides) {
  int m = 0;
  for (int d = 0; d < nd; d++) {
    if (shape[d] == 1) continue;
    if (m > 0 && strides[m - 1] == strides[d] * shape[d]) {
      shape[m - 1] *= shape[d];
      strides[m - 1] = strides[d];
      continue;
    }
    shape[m] = shape[d];
    strides[m] = strides[d];
    m++;
  }
  return m;
}

template <int OP, class T, class R>
void reduceTyped(const View& x, const int* axes, int naxes, R* out) {
  int64_t keptShape[kMaxDims], keptStrides[kMaxDims], redShape[kMaxDims], redStrides[kMaxDims];
  int nk = 0, nr = 0;
  for (int d = 0; d < x.ndim; d++) {
    bool reduced = false;
    for (int a = 0; a < naxes; a++) reduced |= axes[a] == d;
    if (reduced) redShape[nr] = x.shape[d], redStrides[nr++] = x.strides[d];
    else keptShape[nk] = x.shape[d], keptStrides[nk++] = x.strides[d];
  }
  int64_t nOut = 1, nRed = 1;
  for (int d = 0; d < nk; d++) nOut *= keptShape[d];
  for (int d = 0; d < nr; d++) nRed *= redShape[d];
  if (nOut == 0) return;
  const T* base = x.ptr<T>();
  const auto write = [&](int64_t o, const Acc& a) {
    if constexpr (OP == ArgMax || OP == ArgMin) out[o] = static_cast<R>(a.i);
    else out[o] = fromDouble<R>(a.v);
  };
  if (nRed == 0) {
    for (int64_t o = 0; o < nOut; o++) write(o, initial(OP));
    return;
  }
  // keep the kept dims' order (the output is row-major over them); collapse for the loops
  int64_t kShape[kMaxDims], kStrides[kMaxDims];
  for (int d = 0; d < nk; d++) kShape[d] = keptShape[d], kStrides[d] = keptStrides[d];
  const int nkc = collapse(nk, kShape, kStrides);
  const int64_t* rs[1] = {redStrides};
  StridedIter<1> red(nr, redShape, rs);
  const int64_t* ks[1] = {keptStrides};
  StridedIter<1> kept(nk, keptShape, ks);

  // outer order: kept innermost contiguous, reduced region not
  const bool keptInnerContig = nkc > 0 && kStrides[nkc - 1] == 1 && kShape[nkc - 1] >= 8;
  if (OP != ArgMax && OP != ArgMin && keptInnerContig && red.innerStride(0) != 1) {
    const int64_t L = kShape[nkc - 1];
    const int64_t outerCount = nOut / L;
    constexpr int64_t kBlock = 512;
    const int64_t blocks = (L + kBlock - 1) / kBlock;
    const int64_t tasks = outerCount * blocks;
    parallelFor(tasks, std::max<int64_t>(1, kGrain / (kBlock * nRed) + 1), [&](int64_t tb, int64_t te) {
      double acc[kBlock];
      for (int64_t t = tb; t < te; t++) {
        const int64_t ko = t / blocks, j0 = (t % blocks) * kBlock, jn = std::min(kBlock, L - j0);
        // the offset of kept outer index ko: walk the kept iterator to element ko·L
        int64_t koff = 0;
        kept.run(ko * L, ko * L + 1, [&](int64_t, const int64_t* off, int64_t) { koff = off[0]; });
        const T* rowBase = base + koff + j0;
        const double init = initial(OP).v;
        for (int64_t j = 0; j < jn; j++) acc[j] = init;
        red.run(0, nRed, [&](int64_t, const int64_t* off, int64_t n) {
          const int64_t s = red.innerStride(0);
          for (int64_t r = 0; r < n; r++) {
            const T* row = rowBase + off[0] + r * s;
            if constexpr (OP == Sum) for (int64_t j = 0; j < jn; j++) acc[j] += static_cast<double>(row[j]);
            else if constexpr (OP == Prod) for (int64_t j = 0; j < jn; j++) acc[j] *= static_cast<double>(row[j]);
            else if constexpr (OP == Max)
              for (int64_t j = 0; j < jn; j++) {
                const double v = static_cast<double>(row[j]);
                acc[j] = (acc[j] != acc[j]) ? acc[j] : (v > acc[j] || v != v) ? v : acc[j];
              }
            else
              for (int64_t j = 0; j < jn; j++) {
                const double v = static_cast<double>(row[j]);
                acc[j] = (acc[j] != acc[j]) ? acc[j] : (v < acc[j] || v != v) ? v : acc[j];
              }
          }
        });
        for (int64_t j = 0; j < jn; j++) out[ko * L + j0 + j] = fromDouble<R>(acc[j]);
      }
    });
    return;
  }

  // split order: few outputs, a large region each
  const int splits = nOut < numThreads() ? tasksFor(nRed, kGrain) : 1;
  if (splits > 1) {
    for (int64_t o = 0; o < nOut; o++) {
      int64_t koff = 0;
      kept.run(o, o + 1, [&](int64_t, const int64_t* off, int64_t) { koff = off[0]; });
      std::vector<Acc> part(splits, initial(OP));
      parallelTasks(splits, [&](int t) {
        const int64_t b = nRed * t / splits, e = nRed * (t + 1) / splits;
        Acc a = initial(OP);
        red.run(b, e, [&](int64_t pos, const int64_t* off, int64_t n) {
          foldRun<OP>(a, base + koff + off[0], red.innerStride(0), n, pos);
        });
        part[t] = a;
      });
      Acc a = part[0];
      for (int t = 1; t < splits; t++) combine<OP>(a, part[t]);
      write(o, a);
    }
    return;
  }

  // inner order
  parallelFor(nOut, std::max<int64_t>(1, kGrain / nRed), [&](int64_t ob, int64_t oe) {
    kept.run(ob, oe, [&](int64_t pos, const int64_t* off, int64_t n) {
      const int64_t s = kept.innerStride(0);
      for (int64_t j = 0; j < n; j++) {
        const T* p = base + off[0] + j * s;
        Acc a = initial(OP);
        red.run(0, nRed, [&](int64_t rpos, const int64_t* roff, int64_t rn) {
          foldRun<OP>(a, p + roff[0], red.innerStride(0), rn, rpos);
        });
        write(pos + j, a);
      }
    });
  });
}

// Native loops for float32/float64 into their own type, int32 into int32, the sum of a bool mask
// into int32 (a count), and arg ops into int32; other pairs return false to js.
template <int OP>
bool reduceOp(const View& x, const int* axes, int naxes, const Out& out) {
  constexpr bool arg = OP == ArgMax || OP == ArgMin;
  if (arg || x.dtype == DType::I32 || x.dtype == DType::U8) {
    if (out.dtype != DType::I32) return false;
    switch (x.dtype) {
      case DType::F32: if (!arg) return false; reduceTyped<OP, float, int32_t>(x, axes, naxes, out.as<int32_t>()); return true;
      case DType::F64: if (!arg) return false; reduceTyped<OP, double, int32_t>(x, axes, naxes, out.as<int32_t>()); return true;
      case DType::I32: reduceTyped<OP, int32_t, int32_t>(x, axes, naxes, out.as<int32_t>()); return true;
      default:
        if (OP != Sum) return false;
        reduceTyped<Sum, uint8_t, int32_t>(x, axes, naxes, out.as<int32_t>());
        return true;
    }
  }
  if (out.dtype != x.dtype) return false;
  if (x.dtype == DType::F32) reduceTyped<OP, float, float>(x, axes, naxes, out.as<float>());
  else reduceTyped<OP, double, double>(x, axes, naxes, out.as<double>());
  return true;
}

}  // namespace

bool reduce(int op, const View& x, const int* axes, int naxes, const Out& out) {
  for (int a = 0; a < naxes; a++)
    if (axes[a] < 0 || axes[a] >= x.ndim) throw KernelError(KernelError::Range, "reduce: axis out of range");
  int64_t nOut = 1;
  for (int d = 0; d < x.ndim; d++) {
    bool reduced = false;
    for (int a = 0; a < naxes; a++) reduced |= axes[a] == d;
    if (!reduced) nOut *= x.shape[d];
  }
  if (out.length < nOut) throw KernelError(KernelError::Range, "reduce: output too small");
  switch (op) {
    case Sum: return reduceOp<Sum>(x, axes, naxes, out);
    case Prod: return reduceOp<Prod>(x, axes, naxes, out);
    case Max: return reduceOp<Max>(x, axes, naxes, out);
    case Min: return reduceOp<Min>(x, axes, naxes, out);
    case ArgMax: return reduceOp<ArgMax>(x, axes, naxes, out);
    case ArgMin: return reduceOp<ArgMin>(x, axes, naxes, out);
    default: return false;
  }
}

}  // namespace deepts
