import { describe, expect, it } from 'vitest';
import { LlmlabError } from '../../src/errors.js';
import {
  binomialCdf,
  binomialLogPmf,
  binomialPmf,
  binomialSf,
  incompleteBeta,
  logChoose,
  normalCdf,
  normalPdf,
  normalQuantile,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
} from '../../src/stats/distributions.js';
import { choose, expectClose, ratio } from './close.js';

describe('normal distribution', () => {
  it('quantile matches standard tables (and 40-digit mpmath)', () => {
    expectClose(normalQuantile(0.975), 1.959963984540054, 1e-15);
    expectClose(normalQuantile(0.995), 2.5758293035489004, 1e-15);
    expectClose(normalQuantile(0.95), 1.6448536269514722, 1e-15);
    expectClose(normalQuantile(0.8), 0.8416212335729143, 1e-15);
    expectClose(normalQuantile(0.025), -1.959963984540054, 1e-15);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  it('quantile inverts the CDF from 1e-300 to 1 − 1e-12, across Acklam’s region boundaries', () => {
    for (const p of [1e-300, 1e-100, 1e-20, 1e-8, 0.001, 0.02425, 0.0243, 0.1, 0.3, 0.5, 0.7, 0.97575, 1 - 1e-12]) {
      const x = normalQuantile(p);
      expectClose(p < 0.5 ? normalCdf(x) : 1 - normalCdf(x), p < 0.5 ? p : 1 - p, 1e-12);
    }
  });

  it('quantile stays finite for subnormal p (the Halley step is formed in logs)', () => {
    for (const p of [Number.MIN_VALUE, 1e-320, 1e-310]) {
      const x = normalQuantile(p);
      expect(Number.isFinite(x)).toBe(true);
      // Subnormals carry few significant bits, so only a loose relative check is meaningful.
      expect(normalCdf(x) / p).toBeCloseTo(1, 2);
    }
    expect(normalQuantile(Number.MIN_VALUE)).toBeCloseTo(-38.4674, 4);
  });

  it('CDF matches tables near the centre and keeps relative precision in the far tail', () => {
    expect(normalCdf(0)).toBe(0.5);
    expectClose(normalCdf(1.959963984540054), 0.975, 1e-15);
    expectClose(normalCdf(-5), 2.866515718791939e-7, 1e-14); // A&S Table 26.1; mpmath
    expectClose(normalCdf(-10), 7.619853024160526e-24, 1e-14); // mpmath, 40 digits
    // Mills-ratio asymptotic series (A&S 26.2.12): Φ(−x) = φ(x)/x · Σ_k (−1)^k (2k−1)!!/x^(2k), at x ≥ 20 ten terms
    // leave < 1e-14.
    for (const x of [20, 30, 37.5]) {
      let sum = 0;
      let term = 1;
      for (let k = 0; k < 10; k++) {
        sum += term;
        term *= -(2 * k + 1) / (x * x);
      }
      expectClose(normalCdf(-x), (normalPdf(x) / x) * sum, 1e-13);
    }
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1', () => {
    for (const x of [0.1, 0.9, 1.5, 2.5, 4]) expectClose(normalCdf(x) + normalCdf(-x), 1, 1e-15);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => normalQuantile(1.5)).toThrow(LlmlabError);
    expect(() => normalQuantile(NaN)).toThrow(/between 0 and 1/);
  });
});

describe('Student t distribution', () => {
  it('quantile matches t tables (and 40-digit mpmath)', () => {
    expectClose(studentTQuantile(0.975, 10), 2.228138851986274, 1e-13); // the brief's 2.228139
    expectClose(studentTQuantile(0.975, 1), 12.706204736174694, 1e-14);
    expectClose(studentTQuantile(0.995, 5), 4.032142983555227, 1e-13);
    expectClose(studentTQuantile(0.95, 30), 1.6972608865939574, 1e-13);
    expectClose(studentTQuantile(0.975, 120), 1.9799304050824405, 1e-13);
    expectClose(studentTQuantile(0.975, 4), 2.7764451051977934, 1e-13);
    expectClose(studentTQuantile(0.8, 9), 0.8834038596855347, 1e-13);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it('CDF matches the closed forms for 1, 2 and 3 degrees of freedom', () => {
    // df = 1 (Cauchy): ½ + atan(t)/π; df = 2: ½ + t/(2√(2+t²)); df = 3: ½ + (1/π)(t/(√3(1+t²/3)) + atan(t/√3)).
    // (Beyond |t| ≈ 10 the closed forms themselves cancel catastrophically in double precision.)
    for (const t of [-9, -4, -1.2, -0.3, 0.05, 0.8, 2.5, 9]) {
      expectClose(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13);
      expectClose(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13);
      const s = t / Math.sqrt(3);
      expectClose(studentTCdf(t, 3), 0.5 + (s / (1 + s * s) + Math.atan(s)) / Math.PI, 1e-13);
    }
    // Tails, where 1 − CDF would lose everything: P(T₁ ≤ −t) = atan(1/t)/π = 1/(πt) to 1e-16 at t = 1e8; the
    // df = 3 and df = 2 tails at t = −30 from the closed forms evaluated by mpmath at 40 digits.
    expectClose(studentTCdf(-1e8, 1), 1 / (Math.PI * 1e8), 1e-12);
    expectClose(studentTCdf(-30, 3), 4.06764021358197972696e-5, 1e-13);
    expectClose(studentTCdf(-30, 2), 5.54631340979829456355e-4, 1e-13);
  });

  it('quantile inverts the CDF, including p = 1e-300 at small df', () => {
    for (const df of [0.7, 1, 2, 3, 7.5, 30, 1000]) {
      for (const p of [1e-300, 1e-12, 0.001, 0.2, 0.45]) {
        const t = studentTQuantile(p, df);
        if (Number.isFinite(t)) expectClose(studentTCdf(t, df), p, 1e-10);
      }
    }
    // df = 0.3: the 1e-300 quantile is about −1e1000, beyond any double.
    expect(studentTQuantile(1e-300, 0.3)).toBe(-Infinity);
  });

  it('tends to the normal as df grows, and df = Infinity is the normal', () => {
    expect(studentTCdf(1.3, Infinity)).toBe(normalCdf(1.3));
    expect(studentTQuantile(0.975, Infinity)).toBe(normalQuantile(0.975));
    expectClose(studentTQuantile(0.975, 1e6), 1.959966, 1e-6);
  });

  it('density integrates to the CDF (trapezoid rule over [−1, 2] at df = 4)', () => {
    const steps = 20_000;
    const h = 3 / steps;
    let integral = 0;
    for (let i = 0; i <= steps; i++) integral += (i === 0 || i === steps ? 0.5 : 1) * studentTPdf(-1 + i * h, 4);
    expectClose(integral * h, studentTCdf(2, 4) - studentTCdf(-1, 4), 1e-8);
  });

  it('rejects non-positive degrees of freedom', () => {
    expect(() => studentTCdf(1, 0)).toThrow(/degrees of freedom/);
    expect(() => studentTQuantile(0.9, -2)).toThrow(LlmlabError);
  });
});

describe('binomial distribution', () => {
  it('pmf matches C(n,k) pᵏ qⁿ⁻ᵏ computed exactly', () => {
    // p = 3/10: pmf = C(n,k) 3^k 7^(n−k) / 10^n, a ratio of integers.
    for (const [k, n] of [
      [0, 10],
      [3, 10],
      [10, 10],
      [17, 60],
      [150, 500],
    ] as const) {
      const exact = ratio(choose(n, k) * 3n ** BigInt(k) * 7n ** BigInt(n - k), 10n ** BigInt(n));
      expectClose(binomialPmf(k, n, 0.3), exact, 1e-13);
    }
    expectClose(binomialPmf(3, 10, 0.3), 0.2668279320, 1e-9); // textbook: 120 · 0.027 · 0.0823543
  });

  it('pmf is accurate at n = 100,000 (central term vs the series for C(2m,m)/4^m)', () => {
    // C(2m, m)/4^m = 1/√(πm) · (1 − 1/(8m) + 1/(128m²) + 5/(1024m³)); at m = 50,000 the rest is < 1e-20.
    const m = 50_000;
    const series = (1 - 1 / (8 * m) + 1 / (128 * m * m) + 5 / (1024 * m ** 3)) / Math.sqrt(Math.PI * m);
    expectClose(binomialPmf(m, 2 * m, 0.5), series, 1e-13);
    expectClose(binomialPmf(m, 2 * m, 0.5), 0.0025231262141967399, 1e-13); // mpmath, 40 digits
  });

  it('pmf sums to 1 over the whole support at n = 100,000', () => {
    let sum = 0;
    for (let k = 0; k <= 100_000; k++) sum += binomialPmf(k, 100_000, 0.37);
    expectClose(sum, 1, 1e-12);
  });

  it('log pmf stays finite where the pmf underflows', () => {
    expectClose(binomialLogPmf(0, 2000, 0.5), -2000 * Math.LN2, 1e-14);
    expect(binomialPmf(0, 2000, 0.5)).toBe(0);
    expectClose(binomialLogPmf(7, 5000, 0.5), logChoose(5000, 7) - 5000 * Math.LN2, 1e-12);
  });

  it('handles p = 0, p = 1, n = 0 and k outside the support', () => {
    expect(binomialPmf(0, 5, 0)).toBe(1);
    expect(binomialPmf(1, 5, 0)).toBe(0);
    expect(binomialPmf(5, 5, 1)).toBe(1);
    expect(binomialPmf(0, 0, 0.4)).toBe(1);
    expect(binomialPmf(6, 5, 0.4)).toBe(0);
    expect(binomialPmf(2.5, 5, 0.4)).toBe(0);
    expect(binomialCdf(-1, 5, 0.4)).toBe(0);
    expect(binomialCdf(5, 5, 0.4)).toBe(1);
    expect(binomialCdf(0, 5, 0)).toBe(1);
    expect(binomialSf(4, 5, 1)).toBe(1);
  });

  it('CDF and survival match exact sums (brute force with BigInt)', () => {
    const n = 30;
    for (const k of [0, 1, 7, 15, 22, 29]) {
      let below = 0n;
      for (let j = 0; j <= k; j++) below += choose(n, j);
      const total = 2n ** BigInt(n);
      expectClose(binomialCdf(k, n, 0.5), ratio(below, total), 1e-14);
      expectClose(binomialSf(k, n, 0.5), ratio(total - below, total), 1e-14);
    }
  });

  it('CDF agrees with the incomplete beta, P(X ≤ k) = I_{1−p}(n−k, k+1), at n = 100,000', () => {
    // Two unrelated algorithms (summed tail vs continued fraction) on either side of the mean.
    for (const k of [48_500, 49_700, 50_000, 50_300, 51_500]) {
      expectClose(binomialCdf(k, 100_000, 0.5), incompleteBeta(0.5, 100_000 - k, k + 1), 1e-10);
    }
  });

  it('keeps tiny tails precise and never returns NaN', () => {
    // P(X ≤ 100 | n = 1000, ½) = 6.7017177900062963e-162 (mpmath, exact sum at 40 digits).
    expectClose(binomialCdf(100, 1000, 0.5), 6.7017177900062963e-162, 1e-12);
    expectClose(binomialSf(899, 1000, 0.5), 6.7017177900062963e-162, 1e-12);
    expect(binomialCdf(10, 5000, 0.5)).toBe(0);
    expect(binomialSf(4990, 5000, 0.5)).toBe(0);
  });

  it('rejects a non-integer n and p outside [0, 1]', () => {
    expect(() => binomialPmf(1, 2.5, 0.5)).toThrow(/non-negative integer/);
    expect(() => binomialCdf(1, 10, 1.2)).toThrow(LlmlabError);
  });
});
