/**
 * Change points in a series of runs: where a target's pass rate (or a metric's mean) shifted, and how strong the
 * evidence is. Used by `llmlab view`'s History page on the runs stored for a suite.
 *
 * Method: binary segmentation (A. J. Scott & M. Knott 1974, Biometrics 30:507; L. J. Vostrikova 1981, Soviet Math.
 * Dokl. 24:55) with the likelihood-ratio statistic for one change (D. V. Hinkley 1970, Biometrika 57:1; for a
 * binomial probability, K. J. Worsley 1983, Biometrika 70:455). A segment's statistic is the largest LR over every
 * split that leaves `minSegment` runs on each side. Its null distribution is not χ² (it is a maximum over
 * correlated splits), so the p-value is a parametric-bootstrap Monte Carlo p-value: the segment is simulated under
 * its fitted no-change model, with the sequential stopping rule of J. Besag & P. Clifford (1991, Biometrika 78:301)
 * so that a clearly stationary segment costs a few dozen simulations. A split is kept when p ≤ alpha, and both
 * halves are searched again. With one fixed seed the same series always gives the same answer.
 *
 * Error rate: on a stationary series the first test is a level-alpha test, so at most about alpha of stationary
 * series show any change point (the tests on sub-segments only run after a first rejection).
 *
 * Assumption: observations are independent given the rate. Runs of the same tests vary less than that (the test
 * set is fixed, only the model's sampling varies), which makes the test conservative; runs over changing test
 * sets vary more.
 */
import { binomialLogPmf } from './distributions.js';
import { createRng, type Rng } from './rng.js';
import { normalSample } from './thompson.js';
import { checkCount, checkFinite, invalid } from './validate.js';

/** A supported shift: observation `index` is the first of the new level. */
export interface ChangePoint {
  index: number;
  /** The level of the segment that ends at `index` and of the one that starts there (final segmentation). */
  before: number;
  after: number;
  /** after − before. */
  shift: number;
  /** Monte Carlo p-value of the test that found the split; ≥ 1 / (simulations + 1). */
  pValue: number;
}

/** Options of the change-point searches. */
export interface ChangePointOptions {
  /** Level of each test; 0.01 by default (a history page is looked at often, so a false alarm costs trust). */
  alpha?: number;
  /** Fewest observations on each side of a split (2): one odd run is an outlier, not a shift. */
  minSegment?: number;
  /** Monte Carlo simulations per test at most (999). */
  simulations?: number;
  /** Most change points reported (5). */
  maxChanges?: number;
  seed?: number;
}

/** One segment's model: its best split and a simulator of the same segment without a change. */
interface SegmentModel {
  /** Largest LR over allowed splits of [lo, hi) of `data`, and where. */
  best(data: Series, lo: number, hi: number): { at: number; stat: number };
  /** Fills `into` (indices lo..hi) with a draw of [lo, hi) under its fitted no-change model. */
  simulate(data: Series, into: Series, lo: number, hi: number, rng: Rng): void;
  /** The segment's level (pooled rate or weighted mean). */
  level(data: Series, lo: number, hi: number): number;
}

/** Two parallel arrays: (passes, trials) for binomial data, (mean, standard error) for means. */
interface Series {
  a: Float64Array;
  b: Float64Array;
}

/** Sum of x ln(x / n) + (n − x) ln(1 − x / n), the binomial log-likelihood at its maximum (0 ln 0 = 0). */
function binomialLogLik(k: number, n: number): number {
  if (n === 0 || k === 0 || k === n) return 0;
  return k * Math.log(k / n) + (n - k) * Math.log(1 - k / n);
}

function binomialModel(minSegment: number): SegmentModel {
  const samplers = new Map<number, (rng: Rng) => number>();
  let samplersFor = '';
  return {
    best(data, lo, hi) {
      let kTotal = 0;
      let nTotal = 0;
      for (let i = lo; i < hi; i++) (kTotal += data.a[i]!), (nTotal += data.b[i]!);
      const whole = binomialLogLik(kTotal, nTotal);
      let best = { at: -1, stat: 0 };
      let kLeft = 0;
      let nLeft = 0;
      for (let i = lo; i < hi - minSegment; i++) {
        kLeft += data.a[i]!;
        nLeft += data.b[i]!;
        if (i + 1 - lo < minSegment) continue;
        const stat = 2 * (binomialLogLik(kLeft, nLeft) + binomialLogLik(kTotal - kLeft, nTotal - nLeft) - whole);
        if (stat > best.stat) best = { at: i + 1, stat };
      }
      return best;
    },
    simulate(data, into, lo, hi, rng) {
      // Runs mostly share a size, so one sampler per distinct size serves the whole segment.
      const key = `${lo}:${hi}`;
      if (samplersFor !== key) {
        const p = this.level(data, lo, hi);
        samplers.clear();
        for (let i = lo; i < hi; i++) if (!samplers.has(data.b[i]!)) samplers.set(data.b[i]!, binomialSampler(data.b[i]!, p));
        samplersFor = key;
      }
      for (let i = lo; i < hi; i++) {
        into.b[i] = data.b[i]!;
        into.a[i] = samplers.get(data.b[i]!)!(rng);
      }
    },
    level(data, lo, hi) {
      let k = 0;
      let n = 0;
      for (let i = lo; i < hi; i++) (k += data.a[i]!), (n += data.b[i]!);
      return k / n;
    },
  };
}

function meanModel(minSegment: number): SegmentModel {
  return {
    best(data, lo, hi) {
      // With known variances the LR for one change is w_L·w_R/(w_L + w_R)·(μ_L − μ_R)², weights w = 1/se².
      let wTotal = 0;
      let sTotal = 0;
      for (let i = lo; i < hi; i++) {
        const w = 1 / data.b[i]! ** 2;
        wTotal += w;
        sTotal += w * data.a[i]!;
      }
      let best = { at: -1, stat: 0 };
      let wLeft = 0;
      let sLeft = 0;
      for (let i = lo; i < hi - minSegment; i++) {
        const w = 1 / data.b[i]! ** 2;
        wLeft += w;
        sLeft += w * data.a[i]!;
        if (i + 1 - lo < minSegment) continue;
        const wRight = wTotal - wLeft;
        const diff = sLeft / wLeft - (sTotal - sLeft) / wRight;
        const stat = ((wLeft * wRight) / wTotal) * diff * diff;
        if (stat > best.stat) best = { at: i + 1, stat };
      }
      return best;
    },
    simulate(data, into, lo, hi, rng) {
      const mu = this.level(data, lo, hi);
      for (let i = lo; i < hi; i++) {
        into.b[i] = data.b[i]!;
        into.a[i] = mu + data.b[i]! * normalSample(rng);
      }
    },
    level(data, lo, hi) {
      let w = 0;
      let s = 0;
      for (let i = lo; i < hi; i++) {
        const wi = 1 / data.b[i]! ** 2;
        w += wi;
        s += wi * data.a[i]!;
      }
      return s / w;
    },
  };
}

/**
 * A Binomial(n, p) sampler by inversion from the mode outwards (A. W. Kemp 1986, "A modal method for generating
 * binomial variables", Commun. Stat. Theory Methods 15:805): expected O(√(np(1−p))) steps, so a run of 50,000 cells
 * costs about as little as one of 100. The mode's probability is computed once per sampler.
 */
export function binomialSampler(n: number, p: number): (rng: Rng) => number {
  if (n === 0 || p <= 0) return () => 0;
  if (p >= 1) return () => n;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const pMode = Math.exp(binomialLogPmf(mode, n, p));
  const odds = p / (1 - p);
  return (rng) => {
    let u = rng.float() - pMode;
    if (u < 0) return mode;
    let lo = mode;
    let hi = mode;
    let pLo = pMode;
    let pHi = pMode;
    while (lo > 0 || hi < n) {
      if (lo > 0) {
        pLo *= lo / (n - lo + 1) / odds;
        lo--;
        u -= pLo;
        if (u < 0) return lo;
      }
      if (hi < n) {
        pHi *= ((n - hi) / (hi + 1)) * odds;
        hi++;
        u -= pHi;
        if (u < 0) return hi;
      }
    }
    // Only rounding leaves mass unassigned after the whole support.
    return mode;
  };
}

/** One Binomial(n, p) draw; see {@link binomialSampler}. */
export function binomialSample(rng: Rng, n: number, p: number): number {
  return binomialSampler(n, p)(rng);
}

/** Besag–Clifford: stop once this many simulations reach the observed statistic (p is then clearly large). */
const EXCEEDANCES_TO_STOP = 20;

function segment(model: SegmentModel, data: Series, options: Required<ChangePointOptions>): ChangePoint[] {
  const rng = createRng(options.seed);
  const length = data.a.length;
  const scratch: Series = { a: new Float64Array(length), b: new Float64Array(length) };
  const found: Array<{ index: number; pValue: number }> = [];
  const pending: Array<[number, number]> = [[0, length]];
  while (pending.length > 0 && found.length < options.maxChanges) {
    const [lo, hi] = pending.shift()!;
    if (hi - lo < 2 * options.minSegment) continue;
    const observed = model.best(data, lo, hi);
    if (observed.at < 0 || !(observed.stat > 1e-9)) continue;
    let exceed = 0;
    let done = 0;
    while (done < options.simulations && exceed < EXCEEDANCES_TO_STOP) {
      model.simulate(data, scratch, lo, hi, rng);
      done++;
      // A tolerance, so a simulated tie with the observed value (common with small counts) counts as reaching it.
      if (model.best(scratch, lo, hi).stat >= observed.stat * (1 - 1e-9)) exceed++;
    }
    const pValue = exceed >= EXCEEDANCES_TO_STOP ? exceed / done : (exceed + 1) / (done + 1);
    if (pValue > options.alpha) continue;
    found.push({ index: observed.at, pValue });
    pending.push([lo, observed.at], [observed.at, hi]);
  }
  const cuts = found.map((f) => f.index).sort((x, y) => x - y);
  return found
    .sort((x, y) => x.index - y.index)
    .map((f) => {
      const k = cuts.indexOf(f.index);
      const before = model.level(data, k === 0 ? 0 : cuts[k - 1]!, f.index);
      const after = model.level(data, f.index, k === cuts.length - 1 ? length : cuts[k + 1]!);
      return { index: f.index, before, after, shift: after - before, pValue: f.pValue };
    });
}

function withDefaults(options: ChangePointOptions): Required<ChangePointOptions> {
  const resolved = { alpha: 0.01, minSegment: 2, simulations: 999, maxChanges: 5, seed: 20_070_101, ...options };
  if (!(resolved.alpha > 0 && resolved.alpha < 1)) invalid(`alpha must be between 0 and 1, got ${resolved.alpha}`);
  if (!Number.isInteger(resolved.minSegment) || resolved.minSegment < 1) invalid(`minSegment must be a positive integer, got ${resolved.minSegment}`);
  checkCount('simulations', resolved.simulations);
  checkCount('maxChanges', resolved.maxChanges);
  return resolved;
}

/** Keeps the observations `keep` accepts, with a map back to their original indices. */
function compact(a: readonly number[], b: readonly number[], keep: (a: number, b: number) => boolean): { series: Series; at: number[] } {
  const at: number[] = [];
  for (let i = 0; i < a.length; i++) if (keep(a[i]!, b[i]!)) at.push(i);
  return { series: { a: Float64Array.from(at, (i) => a[i]!), b: Float64Array.from(at, (i) => b[i]!) }, at };
}

/**
 * Change points in a series of pass counts: `passes[i]` of `trials[i]` cells in run i. Runs with no trials are
 * skipped (an index still names the original run). Levels are pooled pass rates.
 */
export function binomialChangePoints(passes: readonly number[], trials: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  if (passes.length !== trials.length) invalid(`passes (${passes.length}) and trials (${trials.length}) differ in length`);
  passes.forEach((k, i) => {
    checkCount(`passes[${i}]`, k);
    checkCount(`trials[${i}]`, trials[i]!);
    if (k > trials[i]!) invalid(`passes[${i}] (${k}) exceeds trials (${trials[i]})`);
  });
  const resolved = withDefaults(options);
  const { series, at } = compact(passes, trials, (_, n) => n > 0);
  return segment(binomialModel(resolved.minSegment), series, resolved).map((c) => ({ ...c, index: at[c.index]! }));
}

/**
 * Change points in a series of means with standard errors (a metric's mean score per run). Runs without a
 * positive standard error are skipped: with none there is no scale to judge a shift by. Levels are
 * inverse-variance weighted means.
 */
export function meanChangePoints(means: readonly number[], standardErrors: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  if (means.length !== standardErrors.length) invalid(`means (${means.length}) and standardErrors (${standardErrors.length}) differ in length`);
  checkFinite('means', means);
  const resolved = withDefaults(options);
  const { series, at } = compact(means, standardErrors, (_, se) => Number.isFinite(se) && se > 0);
  return segment(meanModel(resolved.minSegment), series, resolved).map((c) => ({ ...c, index: at[c.index]! }));
}
