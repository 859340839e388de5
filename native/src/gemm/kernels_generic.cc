// The portable gemm kernel: runs on any CPU (ARM, old x86) at whatever the compiler vectorizes.
#include "gemm_kernel.h"
#include "pack_generic.h"

namespace deepts {

namespace {

constexpr int kMr = 4;
constexpr int kNr = 16;

const GemmKernel<float> kSgemm = {"generic 4x16", kMr, kNr, 4 * 32, 256, 4096,
                                  &ukernelGeneric<float, kMr, kNr>, &packAGeneric<float, kMr>, &packBGeneric<float, kNr>};
const GemmKernel<double> kDgemm = {"generic 4x8", kMr, 8, 4 * 32, 256, 4096,
                                   &ukernelGeneric<double, kMr, 8>, &packAGeneric<double, kMr>, &packBGeneric<double, 8>};

}  // namespace

const GemmKernel<float>* sgemmKernelGeneric() { return &kSgemm; }
const GemmKernel<double>* dgemmKernelGeneric() { return &kDgemm; }

}  // namespace deepts
