// Reading a kernel call's JS arguments (typed arrays, numbers, booleans) with errors that name the
// argument, and the geometry of strided views; shared by the addon's entry points (addon.cc,
// cnn_addon.cc, transformer_addon.cc).
#pragma once

#include <node_api.h>

#include <exception>
#include <initializer_list>
#include <string>
#include <vector>

#include "kernels.h"

namespace deepts {

struct CallArgs {
  napi_env env;
  napi_value argv[16];
  size_t argc = 16;

  CallArgs(napi_env e, napi_callback_info info) : env(e) { napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr); }

  napi_value at(size_t i) const {
    if (i >= argc) throw KernelError(KernelError::Type, "native backend: missing argument " + std::to_string(i));
    return argv[i];
  }

  /** A missing, null or undefined argument (optional arrays such as a bias). */
  bool isNull(size_t i) const {
    if (i >= argc) return true;
    napi_valuetype t;
    napi_typeof(env, argv[i], &t);
    return t == napi_null || t == napi_undefined;
  }

  Out array(size_t i) const {
    napi_typedarray_type type;
    size_t length;
    void* data;
    if (napi_get_typedarray_info(env, at(i), &type, &length, &data, nullptr, nullptr) != napi_ok)
      throw KernelError(KernelError::Type, "native backend: argument " + std::to_string(i) + " is not a typed array");
    DType d;
    switch (type) {
      case napi_float32_array: d = DType::F32; break;
      case napi_float64_array: d = DType::F64; break;
      case napi_int32_array: d = DType::I32; break;
      case napi_uint8_array: d = DType::U8; break;
      default: throw KernelError(KernelError::Type, "native backend: unsupported typed array type");
    }
    return Out{data, d, static_cast<int64_t>(length)};
  }

  double number(size_t i) const {
    double v;
    if (napi_get_value_double(env, at(i), &v) != napi_ok)
      throw KernelError(KernelError::Type, "native backend: argument " + std::to_string(i) + " is not a number");
    return v;
  }
  int64_t integer(size_t i) const { return static_cast<int64_t>(number(i)); }
  bool boolean(size_t i) const {
    bool b = false;
    if (napi_get_value_bool(env, at(i), &b) != napi_ok) return number(i) != 0;
    return b;
  }
};

/**
 * Reads numbers and strided views, in order, from the Float64Array of geometry the TS side of a
 * kernel family writes (`family` names it in errors). A view is its offset, shape..., strides...,
 * preceded by its rank when the kernel takes views of any rank; each is bounds-checked against its
 * array before a kernel reads it.
 */
class GeomReader {
 public:
  GeomReader(const Out& g, const char* family) : family_(family) {
    if (g.dtype != DType::F64) throw KernelError(KernelError::Type, std::string(family) + ": geometry must be a Float64Array");
    p_ = g.as<double>();
    n_ = g.length;
  }
  double next() {
    if (i_ >= n_) throw KernelError(KernelError::Range, std::string(family_) + ": geometry buffer overrun");
    return p_[i_++];
  }
  int64_t integer() { return static_cast<int64_t>(next()); }
  /** A view of `arr` of rank ndim: offset, shape..., strides... */
  View view(const Out& arr, int ndim, const char* what) {
    View v;
    v.data = arr.data;
    v.dtype = arr.dtype;
    v.length = arr.length;
    v.ndim = ndim;
    v.offset = integer();
    for (int d = 0; d < ndim; d++) v.shape[d] = integer();
    for (int d = 0; d < ndim; d++) v.strides[d] = integer();
    MetaReader::checkBounds(v, what);
    return v;
  }
  /** A view of `arr` whose rank comes first: ndim, offset, shape..., strides... */
  View rankedView(const Out& arr, const char* what) {
    const int64_t nd = integer();
    if (nd < 0 || nd > kMaxDims) throw KernelError(KernelError::Range, std::string("native backend: ") + what + " has too many dimensions");
    return view(arr, static_cast<int>(nd), what);
  }

 private:
  const char* family_;
  const double* p_ = nullptr;
  int64_t n_ = 0, i_ = 0;
};

inline napi_value boolean(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

/** Runs body (returning a napi_value), converting C++ errors into pending JS exceptions. */
template <class F>
napi_value guarded(napi_env env, F&& body) {
  try {
    return body();
  } catch (const KernelError& e) {
    if (e.kind == KernelError::Range) napi_throw_range_error(env, nullptr, e.what());
    else napi_throw_type_error(env, nullptr, e.what());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

/** Runs a kernel that reports whether it had a loop for the dtypes; errors become JS exceptions. */
template <class F>
napi_value guardedKernel(napi_env env, F&& body) {
  return guarded(env, [&] { return boolean(env, body()); });
}

/** One exported function of the addon: its JS name and its entry point. */
struct Method {
  const char* name;
  napi_callback fn;
};

/** Defines `methods` on the addon's exports (addon.cc, cnn_addon.cc and transformer_addon.cc each add theirs). */
inline void defineMethods(napi_env env, napi_value exports, std::initializer_list<Method> methods) {
  std::vector<napi_property_descriptor> props;
  props.reserve(methods.size());
  for (const Method& m : methods) props.push_back({m.name, nullptr, m.fn, nullptr, nullptr, nullptr, napi_default, nullptr});
  napi_define_properties(env, exports, props.size(), props.data());
}

}  // namespace deepts
