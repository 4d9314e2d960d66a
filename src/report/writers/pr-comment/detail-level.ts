/** Detail levels of the PR comment: how many rows, cells and characters each part may show. */

/**
 * How much of each part of the PR comment fits. GitHub caps a comment's size, so the writer tries
 * {@link DETAIL_LEVELS} from generous to bare until the comment fits.
 */
export interface DetailLevel {
  /** Table rows (prompt × provider) shown. */
  rows: number;
  /** Cells listed per section. */
  items: number;
  /** Characters of each output shown. */
  outputChars: number;
  /** Characters of each reason, error, vars or description. */
  detailChars: number;
  /** Show the collapsible lists at all (the last resort keeps only their counts). */
  sections: boolean;
}

export const DETAIL_LEVELS: readonly DetailLevel[] = [
  { rows: 200, items: 25, outputChars: 1000, detailChars: 300, sections: true },
  { rows: 100, items: 15, outputChars: 500, detailChars: 200, sections: true },
  { rows: 50, items: 10, outputChars: 250, detailChars: 150, sections: true },
  { rows: 30, items: 5, outputChars: 120, detailChars: 100, sections: true },
  { rows: 15, items: 3, outputChars: 60, detailChars: 80, sections: true },
  { rows: 10, items: 0, outputChars: 0, detailChars: 60, sections: true },
  { rows: 0, items: 0, outputChars: 0, detailChars: 60, sections: false },
];
