// Strided copy with cast, as JS stores numbers: bool targets get 1 for any non-zero value, int32
// targets truncate (and wrap) floats, float32 targets round.
#include <cstring>
#include <type_traits>

#include "kernels.h"
#include "thread_pool.h"

namespace deepts {

namespace {

template <class S, class D>
DEEPTS_INLINE D convert(S v) {
  if constexpr (std::is_same<D, uint8_t>::value && !std::is_same<S, uint8_t>::value) return v != 0 ? 1 : 0;
  else if constexpr (std::is_same<D, int32_t>::value && std::is_floating_point<S>::value)
    return jsToInt32(static_cast<double>(v));
  else return static_cast<D>(v);
}

template <class S, class D>
void copyTyped(const View& src, const View& dst) {
  const int64_t* strides[2] = {src.strides, dst.strides};
  StridedIter<2> it(src.ndim, src.shape, strides);
  const S* s = src.ptr<S>();
  D* d = dst.ptr<D>();
  const int64_t ss = it.innerStride(0), ds = it.innerStride(1);
  parallelFor(it.total(), 1 << 16, [&](int64_t b, int64_t e) {
    it.run(b, e, [&](int64_t, const int64_t* off, int64_t n) {
      const S* x = s + off[0];
      D* y = d + off[1];
      if constexpr (std::is_same<S, D>::value) {
        if (ss == 1 && ds == 1) {
          std::memcpy(y, x, sizeof(S) * n);
          return;
        }
      }
      if (ss == 1 && ds == 1)
        for (int64_t j = 0; j < n; j++) y[j] = convert<S, D>(x[j]);
      else
        for (int64_t j = 0; j < n; j++) y[j * ds] = convert<S, D>(x[j * ss]);
    });
  });
}

}  // namespace

bool copy(const View& src, const View& dst) {
  if (src.ndim != dst.ndim) return false;
  for (int d = 0; d < src.ndim; d++)
    if (src.shape[d] != dst.shape[d]) return false;
  withType(src.dtype, [&](auto s) {
    withType(dst.dtype, [&](auto d) { copyTyped<decltype(s), decltype(d)>(src, dst); });
  });
  return true;
}

}  // namespace deepts
