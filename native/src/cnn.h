// The CNN section of the kernel list (src/backend/kernels.ts, "convolution, pooling,
// normalization") in C++: conv2d and its two gradients on im2col + the packed gemm, pooling and
// batch norm as threaded loops. cnn_addon.cc is their N-API layer. Each returns false for a dtype
// it has no loop for (the JS side then runs the js kernel).
#pragma once

#include <cstdint>

#include "kernels.h"

namespace deepts {

struct ConvGeometry {
  int64_t strideH, strideW, padH, padW, dilH, dilW, groups;
};

/** x (N, C, H, W), w (O, C/g, kH, kW), bias (O,) or null → out (N, O, Ho, Wo). */
bool conv2d(const View& x, const View& w, const View* bias, const ConvGeometry& g, const Out& out);
/** gy (N, O, Ho, Wo), w (O, C/g, kH, kW) → out (N, C, H, W) with (C, H, W) = inputShape. */
bool conv2dBackwardInput(const View& gy, const View& w, const int64_t* inputShape, const ConvGeometry& g, const Out& out);
/** x (N, C, H, W), gy (N, O, Ho, Wo) → out (O, C/g, kH, kW) with those sizes = weightShape. */
bool conv2dBackwardWeight(const View& x, const View& gy, const int64_t* weightShape, const ConvGeometry& g, const Out& out);

struct PoolGeometry {
  int64_t kH, kW, strideH, strideW, padH, padW, dilH, dilW, outH, outW;
  bool countIncludePad;
  double divisorOverride;
};

bool maxPool2d(const View& x, const PoolGeometry& p, const Out& out, const Out& indices);
bool maxPool2dBackward(const View& gy, const View& indices, const int64_t* inputShape, const Out& out);
bool avgPool2d(const View& x, const PoolGeometry& p, const Out& out);
bool avgPool2dBackward(const View& gy, const int64_t* inputShape, const PoolGeometry& p, const Out& out);
bool adaptiveAvgPool2d(const View& x, int64_t outH, int64_t outW, const Out& out);
bool adaptiveAvgPool2dBackward(const View& gy, const int64_t* inputShape, const Out& out);

/** x (N, C, S); weight/bias (C,) views or null; running stats, when given, updated in place. */
bool batchNorm(const View& x, const View* weight, const View* bias, const Out* runningMean, const Out* runningVar, bool training,
               double momentum, double eps, const Out& out, const Out& saveMean, const Out& saveInvStd);
bool batchNormBackward(const View& gy, const View& x, const View* weight, const Out& saveMean, const Out& saveInvStd, bool training,
                       const Out* gradInput, const Out* gradWeight, const Out* gradBias);

}  // namespace deepts
