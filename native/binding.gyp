{
  # The deepts native backend. SIMD code carries its instruction set per function
  # (src/simd.h), so the whole addon is built for baseline x86-64 and runs on any CPU;
  # the kernels are picked at run time from the CPU's features.
  "targets": [
    {
      "target_name": "deepts_native",
      "sources": [
        "src/addon.cc",
        "src/bias_activation.cc",
        "src/binary.cc",
        "src/copy.cc",
        "src/cpu_features.cc",
        "src/gather.cc",
        "src/malloc_tuning.cc",
        "src/matmul.cc",
        "src/optimizers.cc",
        "src/random.cc",
        "src/reduce.cc",
        "src/softmax.cc",
        "src/thread_pool.cc",
        "src/unary.cc",
        "src/where.cc",
        "src/cnn.cc",
        "src/cnn_addon.cc",
        "src/transformer.cc",
        "src/transformer_addon.cc",
        "src/rnn.cc",
        "src/rnn_addon.cc",
        "src/gemm/gemm.cc",
        "src/gemm/kernels_avx2.cc",
        "src/gemm/kernels_avx512.cc",
        "src/gemm/kernels_generic.cc"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++1y", "-std=gnu++17", "-std=c++17", "-std=gnu++20"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-Wno-maybe-uninitialized"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ]
}
