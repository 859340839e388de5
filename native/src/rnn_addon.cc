// The N-API layer of the recurrent cells (rnn.h), registered on the addon's exports by addon.cc.
// Each function takes its typed arrays and then (rows, hidden), in the order
// src/backend/native/rnn.ts passes them; a cell returns false for a dtype it has no loop for, and
// the JS side then runs the js kernel.
#include <node_api.h>

#include "napi_args.h"
#include "rnn.h"

namespace deepts {

namespace {

#define RNN_FN(name) napi_value name(napi_env env, napi_callback_info info)

/** lstmCell(xg, hg, cPrev, hc, act, tanhC, rows, hidden) */
RNN_FN(LstmCell) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    return lstmCell(a.array(0), a.array(1), a.array(2), a.integer(6), a.integer(7), a.array(3), a.array(4), a.array(5));
  });
}

/** lstmCellBackward(act, tanhC, cPrev, dhc, dGates, dcPrev, rows, hidden) */
RNN_FN(LstmCellBackward) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    return lstmCellBackward(a.array(0), a.array(1), a.array(2), a.array(3), a.integer(6), a.integer(7), a.array(4), a.array(5));
  });
}

/** gruCell(xg, hg, hPrev, h, saved, rows, hidden) */
RNN_FN(GruCell) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    return gruCell(a.array(0), a.array(1), a.array(2), a.integer(5), a.integer(6), a.array(3), a.array(4));
  });
}

/** gruCellBackward(saved, hPrev, dh, dxg, dhg, dhPrev, rows, hidden) */
RNN_FN(GruCellBackward) {
  return guardedKernel(env, [&] {
    CallArgs a(env, info);
    return gruCellBackward(a.array(0), a.array(1), a.array(2), a.integer(6), a.integer(7), a.array(3), a.array(4), a.array(5));
  });
}

}  // namespace

/** Adds the recurrent-cell kernels to the addon's exports (called from addon.cc's module init). */
void registerRnnKernels(napi_env env, napi_value exports) {
  defineMethods(env, exports, {
      {"lstmCell", LstmCell},
      {"lstmCellBackward", LstmCellBackward},
      {"gruCell", GruCell},
      {"gruCellBackward", GruCellBackward},
  });
}

}  // namespace deepts
