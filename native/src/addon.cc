// The N-API layer: unpacks JS arguments (typed arrays, numbers, and the views the JS side wrote
// into the shared metadata buffer), calls the C++ kernel, and turns KernelErrors into JS errors.
// Kernels return false for a dtype combination they have no loop for; the JS side then runs js.
#include <node_api.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "cpu_features.h"
#include "gemm/gemm.h"
#include "kernels.h"
#include "malloc_tuning.h"
#include "napi_args.h"
#include "thread_pool.h"

namespace deepts {

/** The CNN kernels' N-API functions (cnn_addon.cc). */
void registerCnnKernels(napi_env env, napi_value exports);
/** The transformer kernels' N-API functions (transformer_addon.cc). */
void registerTransformerKernels(napi_env env, napi_value exports);
void registerRnnKernels(napi_env env, napi_value exports);

namespace {

/** Per-module-instance state (one per JS thread that loads the addon). */
struct Instance {
  napi_ref metaRef = nullptr;
  double* meta = nullptr;
  int64_t metaLength = 0;
};

struct Args : CallArgs {
  Instance* inst = nullptr;

  Args(napi_env e, napi_callback_info info) : CallArgs(e, info) {
    void* data = nullptr;
    napi_get_instance_data(env, &data);
    inst = static_cast<Instance*>(data);
  }

  MetaReader meta() const {
    if (!inst || !inst->meta) throw KernelError(KernelError::Type, "native backend: init() was not called");
    return MetaReader(inst->meta, inst->metaLength);
  }

  /** A view of typed array argument i, its layout read from the metadata buffer. */
  View view(MetaReader& m, size_t i, const char* what) const {
    Out o = array(i);
    return m.view(o.data, o.dtype, o.length, what);
  }
};

napi_value numberValue(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

napi_value stringValue(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

#define DEEPTS_FN(name) napi_value name(napi_env env, napi_callback_info info)

void finalizeInstance(napi_env env, void* data, void*) {
  Instance* inst = static_cast<Instance*>(data);
  if (inst->metaRef) napi_delete_reference(env, inst->metaRef);
  delete inst;
}

napi_value stringArray(napi_env env, const char* const* names, int n) {
  napi_value arr;
  napi_create_array_with_length(env, n, &arr);
  for (int i = 0; i < n; i++) napi_set_element(env, arr, i, stringValue(env, names[i]));
  return arr;
}

/** init(meta: Float64Array): keeps the metadata buffer; returns what this build and CPU offer. */
DEEPTS_FN(Init) {
  return guarded(env, [&] {
    Args a(env, info);
    Out m = a.array(0);
    if (m.dtype != DType::F64) throw KernelError(KernelError::Type, "init: the metadata buffer must be a Float64Array");
    Instance* inst = a.inst;
    if (inst->metaRef) napi_delete_reference(env, inst->metaRef);
    napi_create_reference(env, a.at(0), 1, &inst->metaRef);
    inst->meta = m.as<double>();
    inst->metaLength = m.length;
    napi_value result;
    napi_create_object(env, &result);
    napi_set_named_property(env, result, "unaryOps", stringArray(env, kUnaryOps, kUnaryOpCount));
    napi_set_named_property(env, result, "binaryOps", stringArray(env, kBinaryOps, kBinaryOpCount));
    napi_set_named_property(env, result, "reduceOps", stringArray(env, kReduceOps, kReduceOpCount));
    napi_set_named_property(env, result, "activations", stringArray(env, kActivations, kActivationCount));
    return result;
  });
}

DEEPTS_FN(SetNumThreads) {
  return guarded(env, [&] {
    Args a(env, info);
    const int64_t n = a.integer(0);
    if (n < 1 || n > 1024) throw KernelError(KernelError::Range, "setNumThreads: expected 1..1024 threads");
    setNumThreads(static_cast<int>(n));
    return numberValue(env, numThreads());
  });
}

DEEPTS_FN(NumThreads) { return numberValue(env, numThreads()); }
DEEPTS_FN(MallocTuned) { return boolean(env, mallocTuned()); }
DEEPTS_FN(AvailableCores) { return numberValue(env, availableCores()); }

/** simd(level?: 'generic'|'avx2'|'avx512'): sets the level (capped by the CPU) and returns the one in use. */
DEEPTS_FN(Simd) {
  return guarded(env, [&] {
    Args a(env, info);
    if (a.argc > 0 && !a.isNull(0)) {
      char buf[16] = {};
      size_t len = 0;
      napi_get_value_string_utf8(env, a.at(0), buf, sizeof(buf), &len);
      if (!std::strcmp(buf, "generic")) setSimdLevel(SimdLevel::Generic);
      else if (!std::strcmp(buf, "avx2")) setSimdLevel(SimdLevel::Avx2);
      else if (!std::strcmp(buf, "avx512")) setSimdLevel(SimdLevel::Avx512);
      else if (!std::strcmp(buf, "best")) setSimdLevel(detectSimdLevel());
      else throw KernelError(KernelError::Range, "simd: expected generic, avx2, avx512 or best");
    }
    return stringValue(env, simdLevelName(simdLevel()));
  });
}

DEEPTS_FN(SgemmKernel) { return stringValue(env, sgemmKernelName()); }

DEEPTS_FN(Unary) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    View x = a.view(m, 1, "unary input");
    return boolean(env, unary(static_cast<int>(a.integer(0)), x, a.array(2), a.number(3), a.number(4)));
  });
}

DEEPTS_FN(Binary) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    View x = a.view(m, 1, "binary input a");
    View y = a.view(m, 2, "binary input b");
    return boolean(env, binary(static_cast<int>(a.integer(0)), x, y, a.array(3)));
  });
}

DEEPTS_FN(Where) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    View c = a.view(m, 0, "where condition");
    View x = a.view(m, 1, "where input a");
    View y = a.view(m, 2, "where input b");
    return boolean(env, where(c, x, y, a.array(3)));
  });
}

DEEPTS_FN(Reduce) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    View x = a.view(m, 1, "reduce input");
    const int naxes = static_cast<int>(m.nextInt());
    if (naxes < 0 || naxes > kMaxDims) throw KernelError(KernelError::Range, "reduce: bad axis count");
    int axes[kMaxDims];
    for (int i = 0; i < naxes; i++) axes[i] = static_cast<int>(m.nextInt());
    return boolean(env, reduce(static_cast<int>(a.integer(0)), x, axes, naxes, a.array(2)));
  });
}

DEEPTS_FN(Matmul) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    View x = a.view(m, 0, "matmul a");
    View y = a.view(m, 1, "matmul b");
    return boolean(env, matmul(x, y, a.array(2)));
  });
}

DEEPTS_FN(Softmax) {
  return guarded(env, [&] {
    Args a(env, info);
    return boolean(env, softmax(a.array(0), a.integer(2), a.integer(3), a.array(1), a.boolean(4)));
  });
}

DEEPTS_FN(Gather) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    View x = a.view(m, 0, "gather input");
    View idx = a.view(m, 1, "gather index");
    const int axis = static_cast<int>(a.integer(3));
    int64_t bad = 0;
    bool outOfRange = false;
    const bool ok = gather(x, axis, idx, a.array(2), &bad, &outOfRange);
    if (outOfRange)
      throw KernelError(KernelError::Range, "gather: index " + std::to_string(bad) + " is out of range for dimension " +
                                                std::to_string(axis) + " of size " + std::to_string(x.shape[axis]));
    return boolean(env, ok);
  });
}

DEEPTS_FN(ScatterAdd) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    const int ndim = static_cast<int>(m.nextInt());
    if (ndim < 0 || ndim > kMaxDims) throw KernelError(KernelError::Range, "scatterAdd: too many dimensions");
    int64_t shape[kMaxDims];
    for (int d = 0; d < ndim; d++) shape[d] = m.nextInt();
    View idx = a.view(m, 1, "scatterAdd index");
    View src = a.view(m, 2, "scatterAdd source");
    const int axis = static_cast<int>(a.integer(3));
    int64_t bad = 0;
    bool outOfRange = false;
    const bool ok = scatterAdd(a.array(0), shape, ndim, axis, idx, src, &bad, &outOfRange);
    if (outOfRange)
      throw KernelError(KernelError::Range, "scatterAdd: index " + std::to_string(bad) +
                                                " is out of range for dimension " + std::to_string(axis) + " of size " +
                                                std::to_string(shape[axis]));
    return boolean(env, ok);
  });
}

DEEPTS_FN(Copy) {
  return guarded(env, [&] {
    Args a(env, info);
    MetaReader m = a.meta();
    View s = a.view(m, 0, "copy source");
    View d = a.view(m, 1, "copy destination");
    return boolean(env, copy(s, d));
  });
}

DEEPTS_FN(RandomUniform) {
  return guarded(env, [&] {
    Args a(env, info);
    const double seed = a.number(3);
    return boolean(env, randomUniform(a.array(0), a.number(1), a.number(2),
                                        static_cast<uint32_t>(static_cast<int64_t>(seed) & 0xFFFFFFFF), a.number(4)));
  });
}

DEEPTS_FN(DropoutMask) {
  return guarded(env, [&] {
    Args a(env, info);
    const double seed = a.number(3);
    return boolean(env, dropoutMask(a.array(0), a.number(1), a.number(2),
                                      static_cast<uint32_t>(static_cast<int64_t>(seed) & 0xFFFFFFFF), a.number(4)));
  });
}

DEEPTS_FN(AdamStep) {
  return guarded(env, [&] {
    Args a(env, info);
    Out vm;
    const bool hasVm = !a.isNull(4);
    if (hasVm) vm = a.array(4);
    AdamArgs p{a.number(5), a.number(6), a.number(7), a.number(8), a.number(9), a.number(10), a.boolean(11), a.boolean(12)};
    return boolean(env, adamStep(a.array(0), a.array(1), a.array(2), a.array(3), hasVm ? &vm : nullptr, p));
  });
}

DEEPTS_FN(SgdStep) {
  return guarded(env, [&] {
    Args a(env, info);
    Out buf;
    const bool hasBuf = !a.isNull(2);
    if (hasBuf) buf = a.array(2);
    SgdArgs p{a.number(3), a.number(4), a.number(5), a.number(6), a.boolean(7), a.boolean(8)};
    return boolean(env, sgdStep(a.array(0), a.array(1), hasBuf ? &buf : nullptr, p));
  });
}

DEEPTS_FN(RmspropStep) {
  return guarded(env, [&] {
    Args a(env, info);
    Out ga, buf;
    const bool hasGa = !a.isNull(3), hasBuf = !a.isNull(4);
    if (hasGa) ga = a.array(3);
    if (hasBuf) buf = a.array(4);
    RmspropArgs p{a.number(5), a.number(6), a.number(7), a.number(8), a.number(9), a.boolean(10)};
    return boolean(env, rmspropStep(a.array(0), a.array(1), a.array(2), hasGa ? &ga : nullptr, hasBuf ? &buf : nullptr, p));
  });
}

/** crossEntropyForward(logits, target, losses, lse, rows, cols, ignoreIndex) -> -1, or the row of a bad target. */
DEEPTS_FN(CrossEntropyForward) {
  return guarded(env, [&] {
    Args a(env, info);
    Out target = a.array(1);
    const int64_t rows = a.integer(4), cols = a.integer(5);
    if (target.dtype != DType::I32 || target.length < rows)
      throw KernelError(KernelError::Type, "crossEntropyForward: target must be an Int32Array of one class per row");
    int64_t bad = -1;
    const bool ok = crossEntropyForward(a.array(0), rows, cols, target.as<int32_t>(), static_cast<int32_t>(a.integer(6)),
                                        a.array(2), a.array(3), &bad);
    if (!ok && bad < 0) return boolean(env, false);
    return numberValue(env, static_cast<double>(bad));
  });
}

DEEPTS_FN(CrossEntropyBackward) {
  return guarded(env, [&] {
    Args a(env, info);
    Out target = a.array(1);
    const int64_t rows = a.integer(5), cols = a.integer(6);
    if (target.dtype != DType::I32 || target.length < rows)
      throw KernelError(KernelError::Type, "crossEntropyBackward: target must be an Int32Array of one class per row");
    return boolean(env, crossEntropyBackward(a.array(0), rows, cols, target.as<int32_t>(),
                                               static_cast<int32_t>(a.integer(7)), a.array(2), a.array(3), a.array(4)));
  });
}

DEEPTS_FN(BiasActivation) {
  return guarded(env, [&] {
    Args a(env, info);
    Out bias;
    const bool hasBias = !a.isNull(1);
    if (hasBias) bias = a.array(1);
    return boolean(env, biasActivation(a.array(0), hasBias ? &bias : nullptr, a.integer(3), a.integer(4),
                                         static_cast<int>(a.integer(5)), a.array(2)));
  });
}

/** sgemm(a, b, c, M, N, K, sam, sak, sbk, sbn): C = A·B on raw Float32Arrays, for benchmarks. */
DEEPTS_FN(Sgemm) {
  return guarded(env, [&] {
    Args a(env, info);
    Out A = a.array(0), B = a.array(1), C = a.array(2);
    const int64_t M = a.integer(3), N = a.integer(4), K = a.integer(5);
    if (A.dtype != DType::F32 || B.dtype != DType::F32 || C.dtype != DType::F32 || C.length < M * N)
      throw KernelError(KernelError::Type, "sgemm: expected Float32Arrays and an output of M·N");
    View va{A.data, DType::F32, A.length, 0, 2, {M, K}, {a.integer(6), a.integer(7)}};
    View vb{B.data, DType::F32, B.length, 0, 2, {K, N}, {a.integer(8), a.integer(9)}};
    MetaReader::checkBounds(va, "sgemm a");
    MetaReader::checkBounds(vb, "sgemm b");
    sgemm(M, N, K, A.as<float>(), va.strides[0], va.strides[1], B.as<float>(), vb.strides[0], vb.strides[1], C.as<float>(), N);
    return boolean(env, true);
  });
}

napi_value Init_(napi_env env, napi_value exports) {
  tuneMalloc();
  Instance* inst = new Instance();
  napi_set_instance_data(env, inst, finalizeInstance, nullptr);
  defineMethods(env, exports, {
      {"init", Init},
      {"setNumThreads", SetNumThreads},
      {"numThreads", NumThreads},
      {"availableCores", AvailableCores},
      {"mallocTuned", MallocTuned},
      {"simd", Simd},
      {"sgemmKernel", SgemmKernel},
      {"unary", Unary},
      {"binary", Binary},
      {"where", Where},
      {"reduce", Reduce},
      {"matmul", Matmul},
      {"softmax", Softmax},
      {"gather", Gather},
      {"scatterAdd", ScatterAdd},
      {"copy", Copy},
      {"randomUniform", RandomUniform},
      {"dropoutMask", DropoutMask},
      {"adamStep", AdamStep},
      {"sgdStep", SgdStep},
      {"rmspropStep", RmspropStep},
      {"crossEntropyForward", CrossEntropyForward},
      {"crossEntropyBackward", CrossEntropyBackward},
      {"biasActivation", BiasActivation},
      {"sgemm", Sgemm},
  });
  registerCnnKernels(env, exports);
  registerTransformerKernels(env, exports);
  registerRnnKernels(env, exports);
  return exports;
}

}  // namespace

}  // namespace deepts

NAPI_MODULE(NODE_GYP_MODULE_NAME, deepts::Init_)
