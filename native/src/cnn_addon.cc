// The N-API layer of the CNN kernels (cnn.h), registered on the addon's exports by addon.cc.
// Each function takes its typed arrays and one Float64Array `geom` holding, in order, its views
// (offset, shape..., strides...) and its numbers, as src/backend/native/cnn.ts writes them; every
// view is bounds-checked against its array before a kernel reads it. A kernel returns false for a
// dtype it has no loop for, and the JS side then runs the js kernel.
#include <node_api.h>

#include <string>

#include "cnn.h"
#include "napi_args.h"

namespace deepts {

namespace {

using CnnArgs = CallArgs;

/** Reads the numbers of `geom` in order. */
class Geom : public GeomReader {
 public:
  explicit Geom(const Out& g) : GeomReader(g, "native cnn") {}
  /** A (C,) view with its offset and stride. */
  View vector(const Out& arr, int64_t C, const char* what) {
    View v;
    v.data = arr.data;
    v.dtype = arr.dtype;
    v.length = arr.length;
    v.ndim = 1;
    v.offset = integer();
    v.shape[0] = C;
    v.strides[0] = integer();
    MetaReader::checkBounds(v, what);
    return v;
  }
  ConvGeometry conv() {
    ConvGeometry g;
    g.strideH = integer(); g.strideW = integer(); g.padH = integer(); g.padW = integer();
    g.dilH = integer(); g.dilW = integer(); g.groups = integer();
    return g;
  }

};

#define CNN_FN(name) napi_value name(napi_env env, napi_callback_info info)

/** conv2d(x, w, bias | null, out, geom[x view, w view, bias offset, bias stride, geometry]) */
CNN_FN(Conv2d) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(4));
    View x = g.view(a.array(0), 4, "conv2d x");
    View w = g.view(a.array(1), 4, "conv2d weight");
    const bool hasBias = !a.isNull(2);
    View b;
    if (hasBias) b = g.vector(a.array(2), w.shape[0], "conv2d bias");
    else { g.next(); g.next(); }
    const ConvGeometry geo = g.conv();
    return conv2d(x, w, hasBias ? &b : nullptr, geo, a.array(3));
  });
}

/** conv2dBackwardInput(gy, w, out, geom[gy view, w view, N, C, H, W, geometry]) */
CNN_FN(Conv2dBackwardInput) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(3));
    View gy = g.view(a.array(0), 4, "conv2dBackwardInput gradOut");
    View w = g.view(a.array(1), 4, "conv2dBackwardInput weight");
    int64_t shape[4];
    for (auto& s : shape) s = g.integer();
    const ConvGeometry geo = g.conv();
    return conv2dBackwardInput(gy, w, shape, geo, a.array(2));
  });
}

/** conv2dBackwardWeight(x, gy, out, geom[x view, gy view, O, C/g, kH, kW, geometry]) */
CNN_FN(Conv2dBackwardWeight) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(3));
    View x = g.view(a.array(0), 4, "conv2dBackwardWeight x");
    View gy = g.view(a.array(1), 4, "conv2dBackwardWeight gradOut");
    int64_t shape[4];
    for (auto& s : shape) s = g.integer();
    const ConvGeometry geo = g.conv();
    return conv2dBackwardWeight(x, gy, shape, geo, a.array(2));
  });
}

PoolGeometry poolGeometry(Geom& g, bool dilation, bool average) {
  PoolGeometry p{};
  p.kH = g.integer(); p.kW = g.integer(); p.strideH = g.integer(); p.strideW = g.integer();
  p.padH = g.integer(); p.padW = g.integer();
  p.dilH = dilation ? g.integer() : 1;
  p.dilW = dilation ? g.integer() : 1;
  p.outH = g.integer(); p.outW = g.integer();
  if (average) {
    p.countIncludePad = g.next() != 0;
    p.divisorOverride = g.next();
  }
  if (p.kH < 1 || p.kW < 1 || p.strideH < 1 || p.strideW < 1 || p.dilH < 1 || p.dilW < 1 || p.padH < 0 || p.padW < 0 || p.outH < 0 || p.outW < 0)
    throw KernelError(KernelError::Range, "native pooling: bad geometry");
  return p;
}

/** maxPool2d(x, out, indices, geom[x view, kH, kW, sH, sW, pH, pW, dH, dW, Ho, Wo]) */
CNN_FN(MaxPool2d) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(3));
    View x = g.view(a.array(0), 4, "maxPool2d x");
    const PoolGeometry p = poolGeometry(g, true, false);
    return maxPool2d(x, p, a.array(1), a.array(2));
  });
}

/** maxPool2dBackward(gy, indices, out, geom[gy view, indices view, N, C, H, W]) */
CNN_FN(MaxPool2dBackward) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(3));
    View gy = g.view(a.array(0), 4, "maxPool2dBackward gradOut");
    View idx = g.view(a.array(1), 4, "maxPool2dBackward indices");
    int64_t shape[4];
    for (auto& s : shape) s = g.integer();
    return maxPool2dBackward(gy, idx, shape, a.array(2));
  });
}

/** avgPool2d(x, out, geom[x view, kH, kW, sH, sW, pH, pW, Ho, Wo, countIncludePad, divisorOverride]) */
CNN_FN(AvgPool2d) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(2));
    View x = g.view(a.array(0), 4, "avgPool2d x");
    const PoolGeometry p = poolGeometry(g, false, true);
    return avgPool2d(x, p, a.array(1));
  });
}

/** avgPool2dBackward(gy, out, geom[gy view, N, C, H, W, kH, kW, sH, sW, pH, pW, Ho, Wo, countIncludePad, divisorOverride]) */
CNN_FN(AvgPool2dBackward) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(2));
    View gy = g.view(a.array(0), 4, "avgPool2dBackward gradOut");
    int64_t shape[4];
    for (auto& s : shape) s = g.integer();
    const PoolGeometry p = poolGeometry(g, false, true);
    return avgPool2dBackward(gy, shape, p, a.array(1));
  });
}

/** adaptiveAvgPool2d(x, out, geom[x view, Ho, Wo]) */
CNN_FN(AdaptiveAvgPool2d) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(2));
    View x = g.view(a.array(0), 4, "adaptiveAvgPool2d x");
    const int64_t Ho = g.integer(), Wo = g.integer();
    return adaptiveAvgPool2d(x, Ho, Wo, a.array(1));
  });
}

/** adaptiveAvgPool2dBackward(gy, out, geom[gy view, N, C, H, W]) */
CNN_FN(AdaptiveAvgPool2dBackward) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(2));
    View gy = g.view(a.array(0), 4, "adaptiveAvgPool2dBackward gradOut");
    int64_t shape[4];
    for (auto& s : shape) s = g.integer();
    return adaptiveAvgPool2dBackward(gy, shape, a.array(1));
  });
}

/** batchNorm(x, w | null, b | null, rm | null, rv | null, out, saveMean, saveInvStd, geom[x view (3-d), w offset, w stride, b offset, b stride, training, momentum, eps]) */
CNN_FN(BatchNorm) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(8));
    View x = g.view(a.array(0), 3, "batchNorm x");
    const int64_t C = x.shape[1];
    View w, b;
    const bool hasW = !a.isNull(1), hasB = !a.isNull(2);
    if (hasW) w = g.vector(a.array(1), C, "batchNorm weight");
    else { g.next(); g.next(); }
    if (hasB) b = g.vector(a.array(2), C, "batchNorm bias");
    else { g.next(); g.next(); }
    const bool training = g.next() != 0;
    const double momentum = g.next(), eps = g.next();
    Out rm, rv;
    const bool hasRm = !a.isNull(3), hasRv = !a.isNull(4);
    if (hasRm) rm = a.array(3);
    if (hasRv) rv = a.array(4);
    return batchNorm(x, hasW ? &w : nullptr, hasB ? &b : nullptr, hasRm ? &rm : nullptr, hasRv ? &rv : nullptr, training, momentum, eps,
                     a.array(5), a.array(6), a.array(7));
  });
}

/** batchNormBackward(gy, x, w | null, saveMean, saveInvStd, gi | null, gw | null, gb | null, geom[gy view, x view, w offset, w stride, training]) */
CNN_FN(BatchNormBackward) {
  return guardedKernel(env, [&] {
    CnnArgs a(env, info);
    Geom g(a.array(8));
    View gy = g.view(a.array(0), 3, "batchNormBackward gradOut");
    View x = g.view(a.array(1), 3, "batchNormBackward x");
    View w;
    const bool hasW = !a.isNull(2);
    if (hasW) w = g.vector(a.array(2), x.shape[1], "batchNormBackward weight");
    else { g.next(); g.next(); }
    const bool training = g.next() != 0;
    Out gi, gw, gb;
    const bool hasGi = !a.isNull(5), hasGw = !a.isNull(6), hasGb = !a.isNull(7);
    if (hasGi) gi = a.array(5);
    if (hasGw) gw = a.array(6);
    if (hasGb) gb = a.array(7);
    return batchNormBackward(gy, x, hasW ? &w : nullptr, a.array(3), a.array(4), training, hasGi ? &gi : nullptr, hasGw ? &gw : nullptr,
                             hasGb ? &gb : nullptr);
  });
}

}  // namespace

/** Adds the CNN kernels to the addon's exports (called from addon.cc's module init). */
void registerCnnKernels(napi_env env, napi_value exports) {
  defineMethods(env, exports, {
      {"conv2d", Conv2d},
      {"conv2dBackwardInput", Conv2dBackwardInput},
      {"conv2dBackwardWeight", Conv2dBackwardWeight},
      {"maxPool2d", MaxPool2d},
      {"maxPool2dBackward", MaxPool2dBackward},
      {"avgPool2d", AvgPool2d},
      {"avgPool2dBackward", AvgPool2dBackward},
      {"adaptiveAvgPool2d", AdaptiveAvgPool2d},
      {"adaptiveAvgPool2dBackward", AdaptiveAvgPool2dBackward},
      {"batchNorm", BatchNorm},
      {"batchNormBackward", BatchNormBackward},
  });
}

}  // namespace deepts
