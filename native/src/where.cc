// where(cond, a, b): a select over three views of one shape, for any element type.
#include "kernels.h"
#include "multiversion.h"
#include "thread_pool.h"

namespace deepts {

namespace {

constexpr int64_t kWhereGrain = 1 << 15;  // elements per task below which threads do not pay

/** One run of n elements of a select, vectorized per level for the common layouts. */
template <class T>
DEEPTS_INLINE void selectRowBody(const uint8_t* DEEPTS_RESTRICT cc, int64_t sc, const T* DEEPTS_RESTRICT xx, int64_t sa,
                                 const T* DEEPTS_RESTRICT yy, int64_t sb, T* DEEPTS_RESTRICT dst, int64_t n) {
  if (sc == 1 && sa == 1 && sb == 0) {
    const T y0 = yy[0];
    for (int64_t j = 0; j < n; j++) dst[j] = cc[j] ? xx[j] : y0;
  } else if (sc == 1 && sa == 1 && sb == 1) {
    for (int64_t j = 0; j < n; j++) dst[j] = cc[j] ? xx[j] : yy[j];
  } else {
    for (int64_t j = 0; j < n; j++) dst[j] = cc[j * sc] ? xx[j * sa] : yy[j * sb];
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T, selectRow, (selectRowBody<T>),
                             (const uint8_t* cc, int64_t sc, const T* xx, int64_t sa, const T* yy, int64_t sb, T* dst, int64_t n),
                             (cc, sc, xx, sa, yy, sb, dst, n))

}  // namespace

bool where(const View& cond, const View& a, const View& b, const Out& out) {
  if (cond.dtype != DType::U8 || a.dtype != b.dtype || a.dtype != out.dtype) return false;
  if (cond.ndim != a.ndim || cond.ndim != b.ndim) return false;
  const int64_t* strides[3] = {cond.strides, a.strides, b.strides};
  StridedIter<3> it(cond.ndim, cond.shape, strides);
  if (out.length < it.total()) throw KernelError(KernelError::Range, "where: output too small");
  const uint8_t* c = cond.ptr<uint8_t>();
  withType(a.dtype, [&](auto t) {
    using T = decltype(t);
    const T* x = a.ptr<T>();
    const T* y = b.ptr<T>();
    T* o = out.as<T>();
    const int64_t sc = it.innerStride(0), sa = it.innerStride(1), sb = it.innerStride(2);
    parallelFor(it.total(), kWhereGrain, [&](int64_t begin, int64_t end) {
      it.run(begin, end, [&](int64_t pos, const int64_t* off, int64_t n) {
        selectRow<T>(c + off[0], sc, x + off[1], sa, y + off[2], sb, o + pos, n);
      });
    });
  });
  return true;
}

}  // namespace deepts
