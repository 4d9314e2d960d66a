/**
 * Class and format balance of the training file, kept simple:
 * - Labels: when every example's final assistant answer is short (≤ 40 characters, trimmed) and there are few
 *   distinct answers (≤ 20, and at most half as many as examples, so a small file of free-text answers is not
 *   mistaken for labels), the answers are class labels; the largest class over 10× the smallest is `imbalance`.
 * - Format: examples with and without a system message; a minority under 10% of the file is `format-mix`
 *   (usually a forgotten system prompt: the tuned model learns to behave differently without one).
 */
import type { ExampleProblem } from './messages.js';

const MAX_LABELS = 20;
const MAX_LABEL_CHARS = 40;
const IMBALANCE_RATIO = 10;
const FORMAT_MINORITY = 0.1;

export class BalanceTally {
  private labels: Map<string, number> | undefined = new Map();
  private examples = 0;
  private withSystem = 0;

  add(answer: string | undefined, hasSystem: boolean): void {
    this.examples++;
    if (hasSystem) this.withSystem++;
    if (!this.labels) return;
    const label = answer?.trim();
    if (label === undefined || label === '' || label.length > MAX_LABEL_CHARS) {
      this.labels = undefined;
      return;
    }
    this.labels.set(label, (this.labels.get(label) ?? 0) + 1);
    if (this.labels.size > MAX_LABELS) this.labels = undefined;
  }

  /** The label counts (when the answers look like labels) and the file-wide warnings. */
  finish(): { labels?: Record<string, number>; warnings: ExampleProblem[] } {
    const warnings: ExampleProblem[] = [];
    const withoutSystem = this.examples - this.withSystem;
    const minority = Math.min(this.withSystem, withoutSystem);
    if (minority > 0 && minority < this.examples * FORMAT_MINORITY) {
      warnings.push({
        rule: 'format-mix',
        message: `${this.withSystem} example${this.withSystem === 1 ? '' : 's'} with a system message and ${withoutSystem} without: the tuned model learns both formats`,
      });
    }
    const labels = this.labels;
    if (!labels || labels.size < 2 || labels.size > this.examples / 2) return { warnings };
    const counts = [...labels.entries()].sort(([, a], [, b]) => b - a);
    const [largest, largestCount] = counts[0]!;
    const [smallest, smallestCount] = counts[counts.length - 1]!;
    if (largestCount > IMBALANCE_RATIO * smallestCount) {
      warnings.push({
        rule: 'imbalance',
        message: `label ${JSON.stringify(largest)} has ${largestCount} examples, ${JSON.stringify(smallest)} only ${smallestCount} (over ${IMBALANCE_RATIO}× apart)`,
      });
    }
    return { labels: Object.fromEntries(counts), warnings };
  }
}
