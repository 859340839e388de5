// The eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations, in float64: what the
// Fréchet distance needs (matrix square roots of covariance matrices, a few hundred rows at most).
// Jacobi is slower than tridiagonal QR for large matrices but short, accurate to the last bits on
// small ones, and needs no pivoting decisions.

/** A = V diag(values) Vᵀ: values ascending, V's columns the eigenvectors (row-major n × n). */
export type SymmetricEigen = { values: Float64Array; vectors: Float64Array };

/** Eigenvalues and eigenvectors of the symmetric n × n matrix `a` (row-major; only read). */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n}×${n} = ${n * n} values, got ${a.length}`);
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const d = Math.abs(m[i * n + j]! - m[j * n + i]!);
      if (d > 1e-9 * (Math.abs(m[i * n + j]!) + Math.abs(m[j * n + i]!) + 1e-300) && d > 1e-12)
        throw new RangeError(`symmetricEigen: the matrix is not symmetric (a[${i}][${j}] = ${m[i * n + j]} but a[${j}][${i}] = ${m[j * n + i]})`);
    }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0,
      diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! * m[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!,
          aqq = m[q * n + q]!;
        // the rotation angle that zeroes a[p][q]: t = tan θ, the smaller root (Rutishauser)
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p and q of A
          const akp = m[k * n + p]!,
            akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          // rows p and q of A
          const apk = m[p * n + k]!,
            aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!,
            vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i]! - m[j * n + j]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) vectors[r * n + k] = v[r * n + order[k]!]!;
  return { values, vectors };
}

/** The symmetric positive semi-definite square root V diag(√max(λ, 0)) Vᵀ of a symmetric matrix. */
export function symmetricSqrt(a: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const r = Math.sqrt(Math.max(values[k]!, 0));
    if (r === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k]! * r;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + vik * vectors[j * n + k]!;
    }
  }
  return out;
}
