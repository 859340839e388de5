// gather / scatterAdd along one axis (PyTorch semantics). Indices are checked before anything is
// written; scatterAdd runs serially, in index order, so repeated indices add up deterministically.
#include "kernels.h"
#include "thread_pool.h"

namespace deepts {

namespace {

/** The first index outside [-size, size) in row-major order, if any. */
bool findBadIndex(const View& index, int64_t size, int64_t* bad) {
  const int64_t* strides[1] = {index.strides};
  StridedIter<1> it(index.ndim, index.shape, strides);
  const int32_t* p = index.ptr<int32_t>();
  const int64_t s = it.innerStride(0);
  bool found = false;
  it.run(0, it.total(), [&](int64_t, const int64_t* off, int64_t n) {
    if (found) return;
    for (int64_t j = 0; j < n; j++) {
      const int64_t k = p[off[0] + j * s];
      if (k < -size || k >= size) {
        *bad = k;
        found = true;
        return;
      }
    }
  });
  return found;
}

}  // namespace

bool gather(const View& x, int axis, const View& index, const Out& out, int64_t* badIndex, bool* outOfRange) {
  *outOfRange = false;
  if (index.dtype != DType::I32 || out.dtype != x.dtype || index.ndim != x.ndim || axis < 0 || axis >= x.ndim)
    return false;
  for (int d = 0; d < x.ndim; d++)
    if (d != axis && index.shape[d] > x.shape[d]) return false;
  const int64_t size = x.shape[axis];
  if (findBadIndex(index, size, badIndex)) {
    *outOfRange = true;
    return false;
  }
  // x walked with the index's coordinates, the axis coordinate supplied by the index
  int64_t xs[kMaxDims];
  for (int d = 0; d < x.ndim; d++) xs[d] = d == axis ? 0 : x.strides[d];
  const int64_t* strides[2] = {index.strides, xs};
  StridedIter<2> it(index.ndim, index.shape, strides);
  if (out.length < it.total()) throw KernelError(KernelError::Range, "gather: output too small");
  const int32_t* idx = index.ptr<int32_t>();
  const int64_t sa = x.strides[axis];
  withType(x.dtype, [&](auto t) {
    using T = decltype(t);
    const T* src = x.ptr<T>();
    T* o = out.as<T>();
    const int64_t si = it.innerStride(0), sx = it.innerStride(1);
    parallelFor(it.total(), 1 << 15, [&](int64_t b, int64_t e) {
      it.run(b, e, [&](int64_t pos, const int64_t* off, int64_t n) {
        for (int64_t j = 0; j < n; j++) {
          int64_t k = idx[off[0] + j * si];
          if (k < 0) k += size;
          o[pos + j] = src[off[1] + j * sx + k * sa];
        }
      });
    });
  });
  return true;
}

bool scatterAdd(const Out& out, const int64_t* outShape, int ndim, int axis, const View& index, const View& src,
                int64_t* badIndex, bool* outOfRange) {
  *outOfRange = false;
  if (index.dtype != DType::I32 || src.dtype != out.dtype || index.ndim != ndim || src.ndim != ndim || axis < 0 ||
      axis >= ndim)
    return false;
  int64_t total = 1;
  for (int d = 0; d < ndim; d++) {
    total *= outShape[d];
    if (src.shape[d] < index.shape[d] || (d != axis && index.shape[d] > outShape[d])) return false;
  }
  if (out.length < total) throw KernelError(KernelError::Range, "scatterAdd: output too small");
  const int64_t size = outShape[axis];
  if (findBadIndex(index, size, badIndex)) {
    *outOfRange = true;
    return false;
  }
  int64_t os[kMaxDims];
  for (int d = ndim - 1, s = 1; d >= 0; d--) {
    os[d] = d == axis ? 0 : s;
    s *= outShape[d];
  }
  int64_t axisStride = 1;
  for (int d = ndim - 1; d > axis; d--) axisStride *= outShape[d];
  const int64_t* strides[3] = {index.strides, src.strides, os};
  StridedIter<3> it(ndim, index.shape, strides);
  const int32_t* idx = index.ptr<int32_t>();
  withType(out.dtype, [&](auto t) {
    using T = decltype(t);
    const T* s = src.ptr<T>();
    T* o = out.as<T>();
    const int64_t si = it.innerStride(0), ss = it.innerStride(1), so = it.innerStride(2);
    it.run(0, it.total(), [&](int64_t, const int64_t* off, int64_t n) {
      for (int64_t j = 0; j < n; j++) {
        int64_t k = idx[off[0] + j * si];
        if (k < 0) k += size;
        T& dst = o[off[2] + j * so + k * axisStride];
        dst = fromDouble<T>(static_cast<double>(dst) + static_cast<double>(s[off[1] + j * ss]));
      }
    });
  });
  return true;
}

}  // namespace deepts
