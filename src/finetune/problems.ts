/**
 * Collects the problems one validation finds. A 100 MB file with a systematic mistake would otherwise list the
 * same broken rule a million times: after {@link PER_RULE_LIMIT} problems of one rule in one file, the rest are
 * counted and summed up in one closing problem at line 0.
 */
import type { DataProblem } from './types.js';

/** Problems listed per rule and file before the rest are only counted. */
export const PER_RULE_LIMIT = 50;

export class ProblemList {
  readonly listed: DataProblem[] = [];
  private readonly overflow = new Map<string, { file: string; rule: string; count: number }>();
  private readonly perRule = new Map<string, number>();

  add(problem: DataProblem): void {
    const key = `${problem.file}\u0000${problem.rule}`;
    const seen = this.perRule.get(key) ?? 0;
    this.perRule.set(key, seen + 1);
    if (seen < PER_RULE_LIMIT) {
      this.listed.push(problem);
      return;
    }
    const over = this.overflow.get(key) ?? { file: problem.file, rule: problem.rule, count: 0 };
    over.count++;
    this.overflow.set(key, over);
  }

  /** The listed problems, then one `… N more` line per rule that overflowed. */
  done(): DataProblem[] {
    const more = [...this.overflow.values()].map(({ file, rule, count }) => ({
      file,
      line: 0,
      rule,
      message: `${count} more line${count === 1 ? '' : 's'} break the rule \`${rule}\` (only the first ${PER_RULE_LIMIT} are listed)`,
    }));
    return [...this.listed, ...more];
  }
}
