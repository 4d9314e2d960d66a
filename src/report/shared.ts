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
