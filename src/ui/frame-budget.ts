/**
 * How much of the dashboard fits the terminal. Ink redraws by erasing as many lines as its last frame had; a frame
 * as tall as the terminal makes it clear the whole screen, scrollback included (`ESC[3J`), and a line that wraps
 * takes rows the erase does not count (ghost lines). So every line is cut to the width (one row each), and the
 * frame gets at most `rows - 1` lines, given out in a fixed order: the header, progress, totals (cost) and key
 * hints always; then the providers; then the pass rates; then the failures; blank separators last.
 */

/** What the dashboard could show: how many lines each list has. */
export interface FrameContent {
  providers: number;
  passRates: number;
  failures: number;
  /** A budget meter line (runs with a budget). */
  budget: boolean;
  /** Fine-tune stage lines (one per tuned model); optional for callers from before there were any. */
  stages?: number;
}

/** What it shows: rows of each list (0 drops the list with its heading), and which blank separators. */
export interface FramePlan {
  /** Provider lines under the heading, a `… N more` line included (see {@link fitList}). */
  providers: number;
  /** Pass-rate lines under the heading, likewise. */
  passRates: number;
  /** Failure rows under the failures heading. */
  failures: number;
  /** Fine-tune stage lines, right under the header (no heading). */
  stages: number;
  /** Blank lines after the header, before the pass rates, before the totals. */
  gaps: [boolean, boolean, boolean];
}

/** Failures on the dashboard at most; the failures view (`f`) shows as many as fit. */
export const DASHBOARD_FAILURES = 3;

/** Header, progress, totals and the key hints (or the final report hint): always shown. */
const FIXED_ROWS = 4;

/** Plans the dashboard for a terminal of `rows` rows. */
export function planDashboard(content: FrameContent, rows: number): FramePlan {
  // Ink switches to clearing the screen once a frame is as tall as the terminal: stay one row short.
  let left = Math.max(rows - 1, 0) - FIXED_ROWS - (content.budget ? 1 : 0);
  const take = (wanted: number) => {
    const got = Math.max(Math.min(wanted, left), 0);
    left -= got;
    return got;
  };

  // A list needs its heading and one row to say anything (see fitList for the rows it shows).
  const list = (wanted: number, cap = Infinity) => (wanted > 0 && left >= 2 ? take(Math.min(wanted, cap, left - 1) + 1) - 1 : 0);
  // Training is what a fine-tune run waits on: its lines come before the provider table.
  const stages = take(Math.min(content.stages ?? 0, 4));
  const providers = list(content.providers);
  const passRates = list(content.passRates);
  const failures = list(content.failures, DASHBOARD_FAILURES);
  const gaps: [boolean, boolean, boolean] = [take(1) === 1, passRates > 0 && take(1) === 1, take(1) === 1];
  return { providers, passRates, failures, stages, gaps };
}

/** Failure rows the failures view has room for: rows less the header, totals, budget, blank, heading and hints. */
export function failuresViewRows(rows: number, budget: boolean): number {
  return Math.max(rows - 1 - FIXED_ROWS - (budget ? 1 : 0) - 2, 1);
}

/**
 * The rows of a list cut to `limit` lines: all when they fit, else `limit - 1` rows and a count of the rest for a
 * `… N more` line (one row and no count when there is room for one line only).
 */
export function fitList<T>(items: readonly T[], limit: number): { shown: readonly T[]; more: number } {
  if (items.length <= limit) return { shown: items, more: 0 };
  const shown = items.slice(0, Math.max(limit - 1, Math.min(limit, 1)));
  return { shown, more: limit >= 2 ? items.length - shown.length : 0 };
}
