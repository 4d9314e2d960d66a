/**
 * The console's fine-tune block, printed under the summary table for a run with recipes (the text is built in
 * model/finetune-text.ts, shared with the PR comment and the HTML report). Each line is escaped for a terminal: a
 * job error or model name holding an escape sequence is shown, not obeyed.
 */
import { finetuneLines } from '../model/finetune-text.js';
import type { FinetuneRecipeSummary } from '../model/finetune-summary.js';
import { oneLine } from './failures-lines.js';

export function formatFinetunes(recipes: readonly FinetuneRecipeSummary[] | undefined): string[] {
  return finetuneLines(recipes).map((line) => oneLine(line, Number.MAX_SAFE_INTEGER));
}
