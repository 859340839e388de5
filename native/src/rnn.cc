// The recurrent cells' pointwise math (src/backend/kernels.ts, "recurrent cells"; the js reference
// is src/backend/js/rnn.ts): one time step of `rows` sequences, forward and backward, float32 and
// float64, compiled per instruction set and threaded over rows in fixed chunks. float64 goes
// through libm as js does; float32 through the vectorizable sigmoidApprox / tanhApprox
// (math_ops.h: a few ulp). rnn_addon.cc is the N-API layer.
#include "rnn.h"

#include <cmath>
#include <string>
#include <type_traits>

#include "math_ops.h"
#include "multiversion.h"
#include "thread_pool.h"

namespace deepts {

namespace {

template <class T>
DEEPTS_INLINE T sig(T x) {
  if constexpr (std::is_same<T, float>::value) return mathops::sigmoidApprox(x);
  else return mathops::sigmoidD(x);
}

template <class T>
DEEPTS_INLINE T th(T x) {
  if constexpr (std::is_same<T, float>::value) return mathops::tanhApprox(x);
  else return std::tanh(x);
}

// Rows per task below which threads do not pay (a row is 4H transcendental-heavy elements).
constexpr int64_t kRowElementsGrain = 1 << 12;

template <class T>
DEEPTS_INLINE void lstmRowsBody(const T* DEEPTS_RESTRICT xg, const T* DEEPTS_RESTRICT hg, const T* DEEPTS_RESTRICT cPrev, int64_t r0, int64_t r1,
                                int64_t H, int64_t rows, T* DEEPTS_RESTRICT hc, T* DEEPTS_RESTRICT act, T* DEEPTS_RESTRICT tanhC) {
  for (int64_t r = r0; r < r1; r++) {
    const int64_t g = r * 4 * H, s = r * H;
    for (int64_t j = 0; j < H; j++) {
      const T i = sig<T>(xg[g + j] + hg[g + j]);
      const T f = sig<T>(xg[g + H + j] + hg[g + H + j]);
      const T u = th<T>(xg[g + 2 * H + j] + hg[g + 2 * H + j]);
      const T o = sig<T>(xg[g + 3 * H + j] + hg[g + 3 * H + j]);
      const T c = f * cPrev[s + j] + i * u;
      const T tc = th<T>(c);
      act[g + j] = i;
      act[g + H + j] = f;
      act[g + 2 * H + j] = u;
      act[g + 3 * H + j] = o;
      tanhC[s + j] = tc;
      hc[s + j] = o * tc;
      hc[rows * H + s + j] = c;
    }
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T, lstmRows, (lstmRowsBody<T>),
                             (const T* xg, const T* hg, const T* cPrev, int64_t r0, int64_t r1, int64_t H, int64_t rows, T* hc, T* act, T* tanhC),
                             (xg, hg, cPrev, r0, r1, H, rows, hc, act, tanhC))

template <class T>
DEEPTS_INLINE void lstmBackRowsBody(const T* DEEPTS_RESTRICT act, const T* DEEPTS_RESTRICT tanhC, const T* DEEPTS_RESTRICT cPrev,
                                    const T* DEEPTS_RESTRICT dhc, int64_t r0, int64_t r1, int64_t H, int64_t rows, T* DEEPTS_RESTRICT dGates,
                                    T* DEEPTS_RESTRICT dcPrev) {
  for (int64_t r = r0; r < r1; r++) {
    const int64_t g = r * 4 * H, s = r * H;
    for (int64_t j = 0; j < H; j++) {
      const T i = act[g + j], f = act[g + H + j], u = act[g + 2 * H + j], o = act[g + 3 * H + j];
      const T tc = tanhC[s + j], dh = dhc[s + j];
      const T dc = dhc[rows * H + s + j] + dh * o * (T(1) - tc * tc);
      dGates[g + j] = dc * u * i * (T(1) - i);
      dGates[g + H + j] = dc * cPrev[s + j] * f * (T(1) - f);
      dGates[g + 2 * H + j] = dc * i * (T(1) - u * u);
      dGates[g + 3 * H + j] = dh * tc * o * (T(1) - o);
      dcPrev[s + j] = dc * f;
    }
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T, lstmBackRows, (lstmBackRowsBody<T>),
                             (const T* act, const T* tanhC, const T* cPrev, const T* dhc, int64_t r0, int64_t r1, int64_t H, int64_t rows, T* dGates,
                              T* dcPrev),
                             (act, tanhC, cPrev, dhc, r0, r1, H, rows, dGates, dcPrev))

template <class T>
DEEPTS_INLINE void gruRowsBody(const T* DEEPTS_RESTRICT xg, const T* DEEPTS_RESTRICT hg, const T* DEEPTS_RESTRICT hPrev, int64_t r0, int64_t r1,
                               int64_t H, T* DEEPTS_RESTRICT h, T* DEEPTS_RESTRICT saved) {
  for (int64_t r = r0; r < r1; r++) {
    const int64_t g = r * 3 * H, v = r * 4 * H, s = r * H;
    for (int64_t j = 0; j < H; j++) {
      const T rg = sig<T>(xg[g + j] + hg[g + j]);
      const T z = sig<T>(xg[g + H + j] + hg[g + H + j]);
      const T hn = hg[g + 2 * H + j];
      const T n = th<T>(xg[g + 2 * H + j] + rg * hn);
      h[s + j] = (T(1) - z) * n + z * hPrev[s + j];
      saved[v + j] = rg;
      saved[v + H + j] = z;
      saved[v + 2 * H + j] = n;
      saved[v + 3 * H + j] = hn;
    }
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T, gruRows, (gruRowsBody<T>), (const T* xg, const T* hg, const T* hPrev, int64_t r0, int64_t r1, int64_t H, T* h, T* saved),
                             (xg, hg, hPrev, r0, r1, H, h, saved))

template <class T>
DEEPTS_INLINE void gruBackRowsBody(const T* DEEPTS_RESTRICT saved, const T* DEEPTS_RESTRICT hPrev, const T* DEEPTS_RESTRICT dh, int64_t r0, int64_t r1,
                                   int64_t H, T* DEEPTS_RESTRICT dxg, T* DEEPTS_RESTRICT dhg, T* DEEPTS_RESTRICT dhPrev) {
  for (int64_t r = r0; r < r1; r++) {
    const int64_t g = r * 3 * H, v = r * 4 * H, s = r * H;
    for (int64_t j = 0; j < H; j++) {
      const T rg = saved[v + j], z = saved[v + H + j], n = saved[v + 2 * H + j], hn = saved[v + 3 * H + j];
      const T d = dh[s + j];
      const T dnPre = d * (T(1) - z) * (T(1) - n * n);
      const T drPre = dnPre * hn * rg * (T(1) - rg);
      const T dzPre = d * (hPrev[s + j] - n) * z * (T(1) - z);
      dxg[g + j] = drPre;
      dxg[g + H + j] = dzPre;
      dxg[g + 2 * H + j] = dnPre;
      dhg[g + j] = drPre;
      dhg[g + H + j] = dzPre;
      dhg[g + 2 * H + j] = dnPre * rg;
      dhPrev[s + j] = d * z;
    }
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T, gruBackRows, (gruBackRowsBody<T>),
                             (const T* saved, const T* hPrev, const T* dh, int64_t r0, int64_t r1, int64_t H, T* dxg, T* dhg, T* dhPrev),
                             (saved, hPrev, dh, r0, r1, H, dxg, dhg, dhPrev))

/** Checks every array's dtype and length; false when they are not all float32 or all float64. */
bool checked(const char* kernel, std::initializer_list<std::pair<const Out*, int64_t>> arrays) {
  const DType t = arrays.begin()->first->dtype;
  if (t != DType::F32 && t != DType::F64) return false;
  for (const auto& [o, n] : arrays) {
    if (o->dtype != t) return false;
    if (o->length < n) throw KernelError(KernelError::Range, std::string(kernel) + ": an array is smaller than its (rows, hidden) contract");
  }
  return true;
}

/** Runs f(r0, r1) over the rows in fixed chunks. */
template <class F>
void overRows(int64_t rows, int64_t perRow, F&& f) {
  parallelFor(rows, perRow > 0 ? (kRowElementsGrain + perRow - 1) / perRow : rows, f);
}

}  // namespace

bool lstmCell(const Out& xg, const Out& hg, const Out& cPrev, int64_t rows, int64_t H, const Out& hc, const Out& act, const Out& tanhC) {
  const int64_t n = rows * H;
  if (!checked("lstmCell", {{&xg, 4 * n}, {&hg, 4 * n}, {&cPrev, n}, {&hc, 2 * n}, {&act, 4 * n}, {&tanhC, n}})) return false;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    overRows(rows, 4 * H, [&](int64_t r0, int64_t r1) {
      lstmRows<T>(xg.as<T>(), hg.as<T>(), cPrev.as<T>(), r0, r1, H, rows, hc.as<T>(), act.as<T>(), tanhC.as<T>());
    });
  };
  if (xg.dtype == DType::F32) run(float{});
  else run(double{});
  return true;
}

bool lstmCellBackward(const Out& act, const Out& tanhC, const Out& cPrev, const Out& dhc, int64_t rows, int64_t H, const Out& dGates, const Out& dcPrev) {
  const int64_t n = rows * H;
  if (!checked("lstmCellBackward", {{&act, 4 * n}, {&tanhC, n}, {&cPrev, n}, {&dhc, 2 * n}, {&dGates, 4 * n}, {&dcPrev, n}})) return false;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    overRows(rows, 4 * H, [&](int64_t r0, int64_t r1) {
      lstmBackRows<T>(act.as<T>(), tanhC.as<T>(), cPrev.as<T>(), dhc.as<T>(), r0, r1, H, rows, dGates.as<T>(), dcPrev.as<T>());
    });
  };
  if (act.dtype == DType::F32) run(float{});
  else run(double{});
  return true;
}

bool gruCell(const Out& xg, const Out& hg, const Out& hPrev, int64_t rows, int64_t H, const Out& h, const Out& saved) {
  const int64_t n = rows * H;
  if (!checked("gruCell", {{&xg, 3 * n}, {&hg, 3 * n}, {&hPrev, n}, {&h, n}, {&saved, 4 * n}})) return false;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    overRows(rows, 3 * H, [&](int64_t r0, int64_t r1) { gruRows<T>(xg.as<T>(), hg.as<T>(), hPrev.as<T>(), r0, r1, H, h.as<T>(), saved.as<T>()); });
  };
  if (xg.dtype == DType::F32) run(float{});
  else run(double{});
  return true;
}

bool gruCellBackward(const Out& saved, const Out& hPrev, const Out& dh, int64_t rows, int64_t H, const Out& dxg, const Out& dhg, const Out& dhPrev) {
  const int64_t n = rows * H;
  if (!checked("gruCellBackward", {{&saved, 4 * n}, {&hPrev, n}, {&dh, n}, {&dxg, 3 * n}, {&dhg, 3 * n}, {&dhPrev, n}})) return false;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    overRows(rows, 3 * H, [&](int64_t r0, int64_t r1) {
      gruBackRows<T>(saved.as<T>(), hPrev.as<T>(), dh.as<T>(), r0, r1, H, dxg.as<T>(), dhg.as<T>(), dhPrev.as<T>());
    });
  };
  if (saved.dtype == DType::F32) run(float{});
  else run(double{});
  return true;
}

}  // namespace deepts
