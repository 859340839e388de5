// Strided views as the kernel list defines them (src/backend/kernels.ts): element 0 of a typed
// array, an offset, a shape and strides in elements. Views arrive through the metadata buffer the
// JS side fills before each call (see src/backend/native/meta.ts), never as JS objects: reading
// object properties through N-API costs more than the small kernels themselves.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "dtype.h"
#include "simd.h"

namespace deepts {

constexpr int kMaxDims = 16;

/** A kernel argument that is wrong (bad metadata, a view reaching past its array). */
struct KernelError : std::runtime_error {
  enum Kind { Type, Range } kind;
  KernelError(Kind k, const std::string& msg) : std::runtime_error(msg), kind(k) {}
};

struct View {
  void* data = nullptr;  // element 0 of the typed array
  DType dtype = DType::F32;
  int64_t length = 0;  // elements in the typed array
  int64_t offset = 0;
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    return n;
  }
  template <class T>
  T* ptr() const {
    return static_cast<T*>(data) + offset;
  }
};

/** Reads the numbers the JS side wrote into the shared metadata buffer, in order. */
class MetaReader {
 public:
  MetaReader(const double* meta, int64_t length) : m_(meta), n_(length) {}
  double next() {
    if (pos_ >= n_) throw KernelError(KernelError::Range, "native backend: metadata buffer overrun");
    return m_[pos_++];
  }
  int64_t nextInt() { return static_cast<int64_t>(next()); }

  /** A view: [ndim, offset, shape..., strides...], checked against the array it views. */
  View view(void* data, DType dtype, int64_t length, const char* what) {
    View v;
    v.data = data;
    v.dtype = dtype;
    v.length = length;
    v.ndim = static_cast<int>(nextInt());
    if (v.ndim < 0 || v.ndim > kMaxDims)
      throw KernelError(KernelError::Range, std::string("native backend: ") + what + " has too many dimensions");
    v.offset = nextInt();
    for (int d = 0; d < v.ndim; d++) v.shape[d] = nextInt();
    for (int d = 0; d < v.ndim; d++) v.strides[d] = nextInt();
    checkBounds(v, what);
    return v;
  }

  static void checkBounds(const View& v, const char* what) {
    int64_t lo = v.offset, hi = v.offset;
    for (int d = 0; d < v.ndim; d++) {
      if (v.shape[d] < 0) throw KernelError(KernelError::Range, std::string("native backend: ") + what + " has a negative size");
      if (v.shape[d] == 0) return;  // empty: nothing is read
      const int64_t span = (v.shape[d] - 1) * v.strides[d];
      if (span < 0) lo += span;
      else hi += span;
    }
    if (lo < 0 || hi >= v.length)
      throw KernelError(KernelError::Range, std::string("native backend: ") + what + " reaches outside its array");
  }

 private:
  const double* m_;
  int64_t n_;
  int64_t pos_ = 0;
};

/**
 * Iterates N views of one shape in row-major order, a row at a time. Dimensions of size 1 are
 * dropped and dimensions contiguous in every view merged, so a contiguous tensor is one long row
 * whatever its rank. run(begin, end, f) covers linear indices [begin, end): threads split a
 * region by index and each walks its part.
 */
template <int N>
class StridedIter {
 public:
  StridedIter(int ndim, const int64_t* shape, const int64_t* const strides[N]) {
    total_ = 1;
    for (int d = 0; d < ndim; d++) total_ *= shape[d];
    nd_ = 0;
    for (int d = 0; d < ndim; d++) {
      if (shape[d] == 1) continue;
      if (nd_ > 0) {
        bool merge = true;
        for (int k = 0; k < N; k++)
          if (strides[k][d] * shape[d] != strides_[k][nd_ - 1]) merge = false;
        if (merge) {
          shape_[nd_ - 1] *= shape[d];
          for (int k = 0; k < N; k++) strides_[k][nd_ - 1] = strides[k][d];
          continue;
        }
      }
      shape_[nd_] = shape[d];
      for (int k = 0; k < N; k++) strides_[k][nd_] = strides[k][d];
      nd_++;
    }
    if (nd_ == 0) {
      shape_[0] = 1;
      for (int k = 0; k < N; k++) strides_[k][0] = 0;
      nd_ = 1;
    }
  }

  int64_t total() const { return total_; }
  int ndim() const { return nd_; }
  int64_t innerSize() const { return shape_[nd_ - 1]; }
  int64_t size(int d) const { return shape_[d]; }
  int64_t stride(int k, int d) const { return strides_[k][d]; }
  int64_t innerStride(int k) const { return strides_[k][nd_ - 1]; }

  /** f(index, offsets[N], n): a run of n elements starting at linear index `index`. */
  template <class F>
  void run(int64_t begin, int64_t end, F&& f) const {
    if (begin >= end) return;
    int64_t coord[kMaxDims];
    int64_t off[N] = {};
    int64_t rest = begin;
    for (int d = nd_ - 1; d >= 0; d--) {
      coord[d] = rest % shape_[d];
      rest /= shape_[d];
      for (int k = 0; k < N; k++) off[k] += coord[d] * strides_[k][d];
    }
    const int last = nd_ - 1;
    const int64_t inner = shape_[last];
    int64_t pos = begin;
    while (pos < end) {
      const int64_t n = std::min(inner - coord[last], end - pos);
      f(pos, static_cast<const int64_t*>(off), n);
      pos += n;
      if (pos >= end) break;
      // the row is done: back to its start, then carry into the leading dimensions
      for (int k = 0; k < N; k++) off[k] -= coord[last] * strides_[k][last];
      coord[last] = 0;
      for (int d = last - 1; d >= 0; d--) {
        coord[d]++;
        for (int k = 0; k < N; k++) off[k] += strides_[k][d];
        if (coord[d] < shape_[d]) break;
        for (int k = 0; k < N; k++) off[k] -= shape_[d] * strides_[k][d];
        coord[d] = 0;
      }
    }
  }

 private:
  int nd_ = 0;
  int64_t total_ = 0;
  int64_t shape_[kMaxDims] = {};
  int64_t strides_[N][kMaxDims] = {};
};

}  // namespace deepts
