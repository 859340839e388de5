// Reading a kernel call's JS arguments (typed arrays, numbers, booleans) with errors that name the
// argument; shared by the addon's entry points (addon.cc, cnn_addon.cc).
#pragma once

#include <node_api.h>

#include <exception>
#include <string>

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

}  // namespace deepts
