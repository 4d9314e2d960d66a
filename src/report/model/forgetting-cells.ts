/**
 * Forgetting cells: a fine-tune recipe's `forgetting:` suites run their prompts in the same run, under prompt ids
 * `forgetting:<name>/<prompt id>`, on the base and the tuned models only. They measure lost general skills, not the
 * suite's own tests (a GSM8K sample would fail `minPassRate` by design), so the report's totals, targets, metrics
 * and pass-rate gates leave them out and only the fine-tune section reads them. This is the report's one place that
 * says which cells those are; the prefix itself is the one config gives them.
 */
import { FORGETTING_PREFIX as PREFIX } from '../../config/resolve-forgetting.js';

/** True for a prompt id of a forgetting suite's cell. */
export function isForgettingPrompt(promptId: string): boolean {
  return promptId.startsWith(PREFIX);
}

/** The prompt-id prefix of one forgetting suite's cells: `forgetting:<name>/`. */
export function forgettingPrefix(name: string): string {
  return `${PREFIX}${name}/`;
}
