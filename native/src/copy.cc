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

/**
 * A transpose (the source walks its last axis with a stride, its second-to-last contiguously): in
 * small tiles, reading source columns and writing destination rows within a tile, so both sides
 * stay in L1.
 */
template <class S, class D>
void copyTransposed(const StridedIter<2>& it, const S* s, D* d) {
  constexpr int64_t kTile = 8;  // 8 lines per side: power-of-two strides map a tile's lines to one L1 set
  const int nd = it.ndim();
  const int64_t R = it.size(nd - 2), C = it.size(nd - 1);
  const int64_t sc = it.stride(0, nd - 1), dr = it.stride(1, nd - 2);
  const int64_t outer = it.total() / (R * C), rowTiles = (R + kTile - 1) / kTile;
  parallelFor(outer * rowTiles, std::max<int64_t>(1, (int64_t(1) << 16) / (kTile * C)), [&](int64_t tb, int64_t te) {
    for (int64_t t = tb; t < te; t++) {
      const int64_t o = t / rowTiles, i0 = (t % rowTiles) * kTile, i1 = std::min(R, i0 + kTile);
      int64_t so = 0, dOff = 0, rest = o;
      for (int dd = nd - 3; dd >= 0; dd--) {
        const int64_t c = rest % it.size(dd);
        rest /= it.size(dd);
        so += c * it.stride(0, dd);
        dOff += c * it.stride(1, dd);
      }
      for (int64_t j0 = 0; j0 < C; j0 += kTile) {
        const int64_t j1 = std::min(C, j0 + kTile);
        for (int64_t j = j0; j < j1; j++) {
          const S* col = s + so + j * sc;
          D* out = d + dOff + j;
          for (int64_t i = i0; i < i1; i++) out[i * dr] = convert<S, D>(col[i]);
        }
      }
    }
  });
}

template <class S, class D>
void copyTyped(const View& src, const View& dst) {
  const int64_t* strides[2] = {src.strides, dst.strides};
  StridedIter<2> it(src.ndim, src.shape, strides);
  const S* s = src.ptr<S>();
  D* d = dst.ptr<D>();
  const int64_t ss = it.innerStride(0), ds = it.innerStride(1);
  const int nd = it.ndim();
  if (nd >= 2 && ds == 1 && ss != 1 && it.stride(0, nd - 2) == 1 && it.size(nd - 1) >= 8 && it.size(nd - 2) >= 8) {
    copyTransposed<S, D>(it, s, d);
    return;
  }
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
