// The recurrent cells of the kernel list (src/backend/kernels.ts, "recurrent cells") in C++: one
// time step of an LSTM or GRU cell for `rows` sequences of H features, forward and backward, on
// contiguous row arrays. rnn_addon.cc is their N-API layer. Each returns false for a dtype it has
// no loop for (the JS side then runs the js kernel); an array shorter than its contract throws.
#pragma once

#include <cstdint>

#include "kernels.h"

namespace deepts {

/** xg, hg (rows, 4H); cPrev (rows, H) → hc (2, rows, H), act (rows, 4H), tanhC (rows, H). */
bool lstmCell(const Out& xg, const Out& hg, const Out& cPrev, int64_t rows, int64_t H, const Out& hc, const Out& act, const Out& tanhC);
/** act, tanhC, cPrev, dhc (2, rows, H) → dGates (rows, 4H), dcPrev (rows, H). */
bool lstmCellBackward(const Out& act, const Out& tanhC, const Out& cPrev, const Out& dhc, int64_t rows, int64_t H, const Out& dGates, const Out& dcPrev);
/** xg, hg (rows, 3H); hPrev (rows, H) → h (rows, H), saved (rows, 4H): r, z, n, hn. */
bool gruCell(const Out& xg, const Out& hg, const Out& hPrev, int64_t rows, int64_t H, const Out& h, const Out& saved);
/** saved, hPrev, dh → dxg, dhg (rows, 3H), dhPrev (rows, H). */
bool gruCellBackward(const Out& saved, const Out& hPrev, const Out& dh, int64_t rows, int64_t H, const Out& dxg, const Out& dhg, const Out& dhPrev);

}  // namespace deepts
