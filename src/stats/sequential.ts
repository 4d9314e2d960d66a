/**
 * An anytime-valid comparison of two arms' means, for A/B experiments that are looked at while they run (every
 * day, or after every unit): however often someone looks, the chance that a look ever shows a significant
 * difference between two equal arms stays at most alpha.
 *
 * Method: the mixture sequential probability ratio test (mSPRT) with a normal mixture, R. Johari, P. Koomen,
 * L. Pekelis & D. Walsh (2017), "Peeking at A/B Tests: Why it matters, and what to do about it", KDD, and
 * R. Johari, P. Koomen, L. Pekelis & D. Walsh (2022), "Always Valid Inference: Continuous Monitoring of A/B
 * Tests", Operations Research 70(3):1806. With θ̂ = x̄_T − x̄_C and V its variance, the mixture likelihood ratio
 * of H0: θ = 0 against θ ~ N(0, τ²) is
 *
 *   Λ = √(V / (V + τ²)) · exp(θ̂² τ² / (2V(V + τ²))),
 *
 * and the always-valid p-value is the running minimum of min(1, 1/Λ) over the sequence (so it never rises).
 * Inverting the test gives the normal-mixture confidence sequence (S. R. Howard, A. Ramdas, J. McAuliffe &
 * J. Sekhon (2021), "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49(2):1055,
 * its two-sided normal-mixture boundary):
 *
 *   θ̂ ± √( V(V + τ²)/τ² · (ln((V + τ²)/V) + 2 ln(1/α)) ),
 *
 * intersected over the looks, so the interval excludes 0 exactly when the p-value is below alpha.
 *
 * Plug-in variance: V = s²_C/n_C + s²_T/n_T, each arm's sample variance (n − 1 denominator, Welford's running
 * update) at that point of the sequence — the Gaussian approximation Johari et al. (2022) use for outcomes
 * that are not normal (thumbs, judge scores), valid as the central limit theorem takes hold. Because a variance
 * from a handful of units is unreliable, the test only counts from {@link DEFAULT_BURN_IN} units per arm on
 * (burn-in): before that the p-value is 1 and the interval unbounded.
 *
 * τ² (the mixture variance) sets where the test is most sensitive: the interval is narrowest relative to a
 * fixed-n interval when V ≈ τ²/9. The default {@link DEFAULT_TAU2} = 0.01 (τ = 0.1, "most effects are within
 * ±10 points") is for outcomes in 0..1: with thumbs near 50 % (s² ≈ 0.25), V = 0.5/n, so the test is tuned for
 * experiments of a few hundred units per arm. There the always-valid interval is about 1.5 times as wide as the
 * classical one: the price of looking as often as one likes.
 */
import { studentTCdf } from './distributions.js';
import { invalid } from './validate.js';

/** Mixture variance τ² for outcomes in 0..1; see the module comment. */
export const DEFAULT_TAU2 = 0.01;
/** Units per arm before the test counts; see the module comment. */
export const DEFAULT_BURN_IN = 30;

/** One arm's per-unit outcomes in arrival order, with their times when known (to interleave the two arms). */
export interface ArmStream {
  values: ArrayLike<number>;
  /** Arrival time of each value (any increasing unit). Without times the arms are interleaved evenly. */
  times?: ArrayLike<number>;
}

export interface SequentialOptions {
  /** Error rate: the chance of ever calling two equal arms different; default 0.05. */
  alpha?: number;
  /** Mixture variance τ²; default {@link DEFAULT_TAU2}. */
  tau2?: number;
  /** Units per arm before the test counts; default {@link DEFAULT_BURN_IN}. */
  burnIn?: number;
}

/** The comparison at one look. */
export interface SequentialResult {
  /** Treatment mean − control mean; NaN when an arm has no units. */
  difference: number;
  /** The always-valid (1 − alpha) confidence interval of the difference; ±Infinity before the burn-in. */
  low: number;
  high: number;
  /** Always-valid p-value: the running minimum over the sequence, never rising. */
  pValue: number;
  /** pValue ≤ alpha (equivalently the interval excludes 0). */
  significant: boolean;
  /** Welch's two-sample t-test at this n as if it were the only look, for contrast (NaN below two units an arm). */
  fixedPValue: number;
  /** Units of each arm seen so far. */
  n: { control: number; treatment: number };
  /** Each arm's sample variance (NaN below two units). */
  variance: { control: number; treatment: number };
  /** Both arms are past the burn-in. */
  considered: boolean;
  alpha: number;
  tau2: number;
}

/** A test fed one unit at a time, for a stream or a simulation; {@link sequentialTest} runs one over two arrays. */
export interface SequentialTest {
  add(arm: 'control' | 'treatment', value: number): void;
  /** The comparison now (cheap: O(1)). */
  look(): SequentialResult;
}

interface Running {
  n: number;
  mean: number;
  m2: number;
}

function variance(r: Running): number {
  return r.n < 2 ? NaN : r.m2 / (r.n - 1);
}

/** Half-width of the normal-mixture confidence sequence at variance V. */
export function mixtureHalfWidth(v: number, tau2: number, alpha: number): number {
  return Math.sqrt(((v * (v + tau2)) / tau2) * (Math.log((v + tau2) / v) + 2 * Math.log(1 / alpha)));
}

export function createSequentialTest(options: SequentialOptions = {}): SequentialTest {
  const alpha = options.alpha ?? 0.05;
  const tau2 = options.tau2 ?? DEFAULT_TAU2;
  const burnIn = Math.max(2, options.burnIn ?? DEFAULT_BURN_IN);
  if (!(alpha > 0 && alpha < 1)) invalid(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(tau2 > 0)) invalid(`tau2 must be positive, got ${tau2}`);
  const arms = { control: { n: 0, mean: 0, m2: 0 }, treatment: { n: 0, mean: 0, m2: 0 } };
  const twoLogInverseAlpha = 2 * Math.log(1 / alpha);
  let pValue = 1;
  let low = -Infinity;
  let high = Infinity;

  const update = () => {
    const { control: c, treatment: t } = arms;
    if (c.n < burnIn || t.n < burnIn) return;
    // A floor keeps two constant arms (every unit 0, say) from a zero variance and an infinite ratio.
    const v = Math.max(variance(c) / c.n + variance(t) / t.n, 1e-12);
    const diff = t.mean - c.mean;
    const logRatio = Math.log((v + tau2) / v);
    const logLambda = -0.5 * logRatio + (diff * diff * tau2) / (2 * v * (v + tau2));
    // exp only when this look could lower the p-value: the test runs after every unit, in simulations millions of times.
    if (logLambda > -Math.log(pValue)) pValue = Math.min(1, Math.exp(-logLambda));
    const half = Math.sqrt(((v * (v + tau2)) / tau2) * (logRatio + twoLogInverseAlpha));
    const nextLow = Math.max(low, diff - half);
    const nextHigh = Math.min(high, diff + half);
    // An empty intersection can only come from the plug-in variance moving; this look's interval is then the honest one.
    if (nextLow <= nextHigh) [low, high] = [nextLow, nextHigh];
    else [low, high] = [diff - half, diff + half];
  };

  return {
    add(arm, value) {
      if (!Number.isFinite(value)) invalid(`outcome must be a finite number, got ${value}`);
      const r = arms[arm];
      r.n += 1;
      const delta = value - r.mean;
      r.mean += delta / r.n;
      r.m2 += delta * (value - r.mean);
      update();
    },
    look() {
      const { control: c, treatment: t } = arms;
      return {
        difference: c.n > 0 && t.n > 0 ? t.mean - c.mean : NaN,
        low,
        high,
        pValue,
        significant: pValue <= alpha,
        fixedPValue: welchP(c, t),
        n: { control: c.n, treatment: t.n },
        variance: { control: variance(c), treatment: variance(t) },
        considered: c.n >= burnIn && t.n >= burnIn,
        alpha,
        tau2,
      };
    },
  };
}

/** Welch's t-test (Welch 1947, Biometrika 34:28), two-sided, with the Welch–Satterthwaite degrees of freedom. */
function welchP(c: Running, t: Running): number {
  if (c.n < 2 || t.n < 2) return NaN;
  const a = variance(c) / c.n;
  const b = variance(t) / t.n;
  const se2 = a + b;
  const diff = t.mean - c.mean;
  if (se2 === 0) return diff === 0 ? 1 : 0;
  const df = (se2 * se2) / ((a * a) / (c.n - 1) + (b * b) / (t.n - 1));
  return 2 * studentTCdf(-Math.abs(diff) / Math.sqrt(se2), df);
}

/**
 * Runs the test over each arm's outcomes in arrival order: interleaved by `times` when both arms have them
 * (ties: control first), else evenly (unit i of n at position (i + 1)/n), and returns the result at the end.
 */
export function sequentialTest(control: ArmStream, treatment: ArmStream, options: SequentialOptions = {}): SequentialResult {
  const test = createSequentialTest(options);
  const order = (s: ArmStream, i: number) => (s.times && control.times && treatment.times ? (s.times[i] as number) : (i + 1) / s.values.length);
  let i = 0;
  let j = 0;
  while (i < control.values.length || j < treatment.values.length) {
    const takeControl =
      j >= treatment.values.length || (i < control.values.length && order(control, i) <= order(treatment, j));
    if (takeControl) test.add('control', control.values[i++] as number);
    else test.add('treatment', treatment.values[j++] as number);
  }
  return test.look();
}

/**
 * Units per arm at which the always-valid interval's half-width falls to `effect`: where the interval would
 * exclude 0 if the difference stayed at `effect` and the variances as they are. Infinity when more than 10⁹.
 */
export function unitsNeeded(
  variances: { control: number; treatment: number },
  effect: number,
  options: { alpha?: number; tau2?: number } = {},
): number {
  const alpha = options.alpha ?? 0.05;
  const tau2 = options.tau2 ?? DEFAULT_TAU2;
  const total = variances.control + variances.treatment;
  if (!(Math.abs(effect) > 0) || !Number.isFinite(total)) return Infinity;
  if (total <= 0) return 1;
  const fits = (n: number) => mixtureHalfWidth(total / n, tau2, alpha) <= Math.abs(effect);
  let high = 1;
  while (!fits(high)) {
    high *= 2;
    if (high > 1e9) return Infinity;
  }
  let lowN = Math.floor(high / 2);
  while (high - lowN > 1) {
    const mid = Math.floor((lowN + high) / 2);
    if (fits(mid)) high = mid;
    else lowN = mid;
  }
  return high;
}

