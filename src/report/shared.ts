/** Small helpers and constants every part of the report shares; imports nothing from the report. */

/** Confidence level of every interval and test the report shows. */
export const CONFIDENCE = 0.95;

/** Version of the JSON report's shape (`schemas/report.schema.json`); bumped on a breaking change. */
export const REPORT_SCHEMA_VERSION = 1;

/** Version of the `compare --format json` shape; bumped on a breaking change. */
export const COMPARE_SCHEMA_VERSION = 1;

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)]!;
}

export function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/**
 * A p-value with its label, the one way every surface prints it: `p=0.048`, `Holm p=0.5`, and tiny ones as a
 * bound, `p<0.001` (never `p=<0.001`). Two significant digits: a third one is noise at these sample sizes.
 */
export function formatP(p: number, label = 'p'): string {
  return `${label}${pValueText(p)}`;
}

/** The p-value part of {@link formatP} without the label, for table cells under a `p` heading: `<0.001`, `0.048`. */
export function pValueOnly(p: number): string {
  return p < 0.001 ? '<0.001' : String(Number(p.toPrecision(2)));
}

function pValueText(p: number): string {
  return p < 0.001 ? '<0.001' : `=${pValueOnly(p)}`;
}

/** Sums of float costs differ in the 17th digit; below this a cost or a cost change is zero. */
const USD_EPSILON = 1e-12;

/**
 * USD amount digits, the one rule of every report: `0` for zero; cents from $1 up (`12.50`); below $1 three
 * significant digits but at most four decimals (`0.0165`, `0.75`, `0.04`), and always two significant digits, so
 * a small non-zero cost never reads as zero (`0.00012`, not `0.0000`). No sign (callers add `+`/`−`), and no `$`
 * (the PR comment cannot print one).
 */
export function usdDigits(usd: number): string {
  const abs = Math.abs(usd);
  if (abs < USD_EPSILON) return '0';
  if (abs >= 1) return abs.toFixed(2);
  const exponent = Math.floor(Math.log10(abs));
  // toFixed never switches to exponent notation below 1e21; 20 decimals is its maximum.
  const decimals = Math.min(Math.max(2, Math.min(4, 2 - exponent), 1 - exponent), 20);
  // Trailing zeros say nothing: 0.0400 reads 0.04, but 0.10 keeps its cents.
  return abs.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1');
}

/** `$0`, `$0.0045`, `$0.00012`, `$12.50`; a negative amount with a typographic minus, `−$0.002`. */
export function formatUsd(usd: number): string {
  const digits = usdDigits(usd);
  return `${usd < 0 && digits !== '0' ? '−' : ''}$${digits}`;
}

/**
 * A change with an explicit sign and a typographic minus, decided after rounding, so a change that prints as
 * zero has no sign: `+5.0`, `−12.5`, `0.0` (never `−0.0`). `format` prints the magnitude.
 */
export function signed(x: number, format: (magnitude: number) => string): string {
  const text = format(Math.abs(x));
  if (/^[^1-9]*$/.test(text)) return text;
  return `${x > 0 ? '+' : '−'}${text}`;
}

/** A pass-rate change as percentage points, one decimal: 0.05 → `+5.0`, −0.125 → `−12.5`, 0 → `0.0`. */
export function signedPoints(difference: number): string {
  return signed(difference * 100, (m) => m.toFixed(1));
}

/** A signed change where zero reads `±0.0`, as the PR comment and the HTML report print unchanged rates. */
export function plusMinusZero(signedText: string): string {
  return /^[+−]/.test(signedText) ? signedText : `±${signedText}`;
}
