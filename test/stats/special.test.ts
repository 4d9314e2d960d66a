import { describe, expect, it } from 'vitest';
import { erfc, incompleteBeta, logBeta, logChoose, logGamma } from '../../src/stats/special.js';
import { choose, expectClose, ratio } from './close.js';

describe('logGamma', () => {
  it('equals ln((x−1)!) at integers (closed form: a sum of logs)', () => {
    let logFactorial = 0;
    for (let x = 1; x <= 170; x++) {
      expectClose(logGamma(x), logFactorial, 1e-14);
      logFactorial += Math.log(x);
    }
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
  });

  it('matches Γ(n + ½) = (2n)! √π / (4ⁿ n!) at half-integers (closed form)', () => {
    expectClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-15);
    for (const n of [1, 2, 5, 10, 40]) {
      let log = 0.5 * Math.log(Math.PI) - n * Math.log(4);
      for (let i = n + 1; i <= 2 * n; i++) log += Math.log(i);
      expectClose(logGamma(n + 0.5), log, 1e-14);
    }
  });

  it('matches the Stirling series for huge arguments', () => {
    // ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + 1/(12x) − 1/(360x³) + …; at x = 100001 the omitted terms are
    // < 1e-28. ln(100000!) = 1051299.2218991218651… (also by mpmath at 40 digits).
    const x = 100001;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
    expectClose(logGamma(x), stirling, 1e-15);
    expectClose(logGamma(x), 1051299.2218991218651, 1e-15);
  });

  it('uses the reflection formula below ½ and is infinite at the poles', () => {
    // Γ(−½) = −2√π, Γ(−3/2) = 4√π/3 (from Γ(x+1) = xΓ(x)).
    expectClose(logGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)), 1e-14);
    expectClose(logGamma(-1.5), Math.log((4 * Math.sqrt(Math.PI)) / 3), 1e-14);
    expectClose(logGamma(0.1), Math.log(9.513507698668732), 1e-14); // Γ(0.1), A&S Table 6.1 via Γ(1.1)/0.1
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(-3)).toBe(Infinity);
    expect(logGamma(NaN)).toBeNaN();
  });
});

describe('logChoose', () => {
  it('matches exact BigInt binomial coefficients', () => {
    for (const [n, k] of [
      [10, 3],
      [60, 30],
      [200, 17],
      [1000, 500],
    ] as const) {
      const exact = choose(n, k);
      const digits = exact.toString();
      // ln of a big integer from its leading 17 digits and its length.
      const ln = Math.log(Number(`0.${digits.slice(0, 17)}`)) + digits.length * Math.LN10;
      expectClose(logChoose(n, k), ln, 1e-13);
    }
  });

  it('is 0 at the ends and −Infinity outside 0..n', () => {
    expect(logChoose(7, 0)).toBe(0);
    expect(logChoose(7, 7)).toBe(0);
    expect(logChoose(7, 8)).toBe(-Infinity);
    expect(logChoose(7, -1)).toBe(-Infinity);
  });
});

describe('erfc', () => {
  it('matches tabulated values (Abramowitz & Stegun Table 7.1; 40-digit mpmath)', () => {
    expect(erfc(0)).toBe(1);
    expectClose(erfc(0.5), 0.47950012218695346232, 1e-15);
    expectClose(erfc(1), 0.15729920705028513066, 1e-14);
    expectClose(erfc(2), 0.0046777349810472658379, 1e-14);
    expectClose(erfc(10), 2.088487583762544757e-45, 1e-14);
    expectClose(erfc(-1), 2 - 0.15729920705028513066, 1e-15);
  });

  it('keeps relative precision deep in the tail (asymptotic series, A&S 7.1.23)', () => {
    // erfc z = e^(−z²)/(z√π) · Σ_k (−1)^k (2k−1)!! / (2z²)^k; at z ≥ 15 eight terms leave < 1e-20.
    for (const z of [15, 20, 26]) {
      let sum = 0;
      let term = 1;
      for (let k = 0; k < 8; k++) {
        sum += term;
        term *= -(2 * k + 1) / (2 * z * z);
      }
      expectClose(erfc(z), (Math.exp(-z * z) / (z * Math.sqrt(Math.PI))) * sum, 1e-13);
    }
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });

  it('is continuous where the series hands over to the continued fraction (z = 1)', () => {
    const below = erfc(1 - 1e-12);
    const above = erfc(1 + 1e-12);
    expectClose(below, above, 1e-11);
  });
});

describe('incompleteBeta', () => {
  it('matches closed forms: I_x(1,b) = 1 − (1−x)^b, I_x(a,1) = x^a, I_x(½,½) = (2/π) asin √x', () => {
    for (const x of [0.001, 0.2, 0.5, 0.9, 0.999]) {
      expectClose(incompleteBeta(x, 1, 3.5), 1 - (1 - x) ** 3.5, 1e-13);
      expectClose(incompleteBeta(x, 2.5, 1), x ** 2.5, 1e-13);
      expectClose(incompleteBeta(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)), 1e-13);
    }
  });

  it('is symmetric, I_x(a,b) = 1 − I_{1−x}(b,a), and ½ at x = ½ when a = b, even for huge a', () => {
    expectClose(incompleteBeta(0.3, 4, 7) + incompleteBeta(0.7, 7, 4), 1, 1e-14);
    expectClose(incompleteBeta(0.5, 50_000, 50_000), 0.5, 1e-12);
    expectClose(incompleteBeta(0.5, 3, 3), 0.5, 1e-14);
  });

  it('equals an exact binomial sum: I_p(k, n−k+1) = P(X ≥ k), X ~ Bin(n, p)', () => {
    // With p = 1/4 every term is C(n, j) 3^(n−j) / 4^n, a ratio of integers.
    const n = 40;
    for (const k of [1, 5, 10, 20, 35]) {
      let numerator = 0n;
      for (let j = k; j <= n; j++) numerator += choose(n, j) * 3n ** BigInt(n - j);
      expectClose(incompleteBeta(0.25, k, n - k + 1), ratio(numerator, 4n ** BigInt(n)), 1e-13);
    }
  });

  it('handles the ends and rejects invalid shape parameters with NaN', () => {
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(incompleteBeta(0.5, 0, 3)).toBeNaN();
    expect(incompleteBeta(0.5, 2, -1)).toBeNaN();
  });

  it('logBeta is ln Γ(a) + ln Γ(b) − ln Γ(a+b): B(2,3) = 1/12', () => {
    expectClose(logBeta(2, 3), Math.log(1 / 12), 1e-14);
  });
});
