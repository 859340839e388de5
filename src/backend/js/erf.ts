// erf(x) to double precision (< 1 ulp), a port of fdlibm's s_erf.c: a polynomial on |x| < 0.84375,
// rational fits on [0.84375, 1.25) and [1.25, 6), and ±1 beyond. Much faster than a series
// (bench/results/notes.md).
const erx = 8.45062911510467529297e-1,
  efx8 = 1.02703333676410069053;
const pp0 = 1.28379167095512558561e-1,
  pp1 = -3.2504210724700149937e-1,
  pp2 = -2.84817495755985104766e-2,
  pp3 = -5.77027029648944159157e-3,
  pp4 = -2.37630166566501626084e-5;
const qq1 = 3.97917223959155352819e-1,
  qq2 = 6.50222499887672944485e-2,
  qq3 = 5.08130628187576562776e-3,
  qq4 = 1.32494738004321644526e-4,
  qq5 = -3.9602282787753681232e-6;
const pa0 = -2.36211856075265944077e-3,
  pa1 = 4.14856118683748331666e-1,
  pa2 = -3.72207876035701323847e-1,
  pa3 = 3.18346619901161753674e-1,
  pa4 = -1.10894694282396677476e-1,
  pa5 = 3.54783043256182359371e-2,
  pa6 = -2.166375594868790843e-3;
const qa1 = 1.06420880400844228286e-1,
  qa2 = 5.40397917702171048937e-1,
  qa3 = 7.18286544141962662868e-2,
  qa4 = 1.26171219808761642112e-1,
  qa5 = 1.36370839120290507362e-2,
  qa6 = 1.1984499846799107417e-2;
const ra0 = -9.86494403484714822705e-3,
  ra1 = -6.93858572707181764372e-1,
  ra2 = -1.05586262253232909814e1,
  ra3 = -6.23753324503260060396e1,
  ra4 = -1.62396669462573470355e2,
  ra5 = -1.84605092906711035994e2,
  ra6 = -8.12874355063065934246e1,
  ra7 = -9.81432934416914548592;
const sa1 = 1.96512716674392571292e1,
  sa2 = 1.376577541435190426e2,
  sa3 = 4.34565877475229228821e2,
  sa4 = 6.45387271733267880336e2,
  sa5 = 4.29008140027567833386e2,
  sa6 = 1.08635005541779435134e2,
  sa7 = 6.57024977031928170135,
  sa8 = -6.04244152148580987438e-2;
const rb0 = -9.86494292470009928597e-3,
  rb1 = -7.99283237680523006574e-1,
  rb2 = -1.77579549177547519889e1,
  rb3 = -1.60636384855821916062e2,
  rb4 = -6.37566443368389627722e2,
  rb5 = -1.02509513161107724954e3,
  rb6 = -4.83519191608651397019e2;
const sb1 = 3.03380607434824582924e1,
  sb2 = 3.25792512996573918826e2,
  sb3 = 1.53672958608443695994e3,
  sb4 = 3.19985821950859553908e3,
  sb5 = 2.55305040643316442583e3,
  sb6 = 4.74528541206955367215e2,
  sb7 = -2.24409524465858183362e1;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** x with the low 32 bits of its representation cleared (fdlibm's SET_LOW_WORD(z, 0)). */
function truncLow(x: number): number {
  f64[0] = x;
  u32[0] = 0;
  return f64[0]!;
}

export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = x < 0 ? -x : x;
  if (ax < 0.84375) {
    if (ax < 3.7252902984e-9) return x + 0.125 * efx8 * x; // |x| < 2^-28
    const z = x * x;
    const r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
    const s = 1 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
    return x + x * (r / s);
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const P = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
    const Q = 1 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
    return x >= 0 ? erx + P / Q : -erx - P / Q;
  }
  if (ax >= 6) return x >= 0 ? 1 : -1;
  const s = 1 / (ax * ax);
  let R: number, S: number;
  if (ax < 1 / 0.35) {
    R = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
    S = 1 + s * (sa1 + s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
  } else {
    R = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
    S = 1 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
  }
  const z = truncLow(ax);
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + R / S);
  return x >= 0 ? 1 - r / ax : r / ax - 1;
}
