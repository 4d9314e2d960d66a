/**
 * Metric registry: id → lazy module. File name = registry id = the assertion `type` in YAML. `not-<id>` inverts
 * any metric whose plugin is negatable; that prefix is handled by the grader, not by each metric.
 */
import type { MetricPlugin } from '../types.js';

type Loader = () => Promise<{ default: MetricPlugin<any, any> }>;

const registry = {
  equals: () => import('./equals.js'),
  contains: () => import('./contains.js'),
  icontains: () => import('./icontains.js'),
  'contains-any': () => import('./contains-any.js'),
  'contains-all': () => import('./contains-all.js'),
  'starts-with': () => import('./starts-with.js'),
  regex: () => import('./regex.js'),
  'is-json': () => import('./is-json.js'),
  javascript: () => import('./javascript.js'),
  python: () => import('./python.js'),
  levenshtein: () => import('./levenshtein.js'),
  bleu: () => import('./bleu.js'),
  'rouge-1': () => import('./rouge-1.js'),
  'rouge-2': () => import('./rouge-2.js'),
  'rouge-l': () => import('./rouge-l.js'),
  f1: () => import('./f1.js'),
  'word-count': () => import('./word-count.js'),
  length: () => import('./length.js'),
  'contains-json': () => import('./contains-json.js'),
  numeric: () => import('./numeric.js'),
  'exact-match': () => import('./exact-match.js'),
  latency: () => import('./latency.js'),
  cost: () => import('./cost.js'),
  'finish-reason': () => import('./finish-reason.js'),
  'llm-rubric': () => import('./llm-rubric.js'),
  'image-matches': () => import('./image-matches.js'),
  factuality: () => import('./factuality.js'),
  'model-graded-factuality': () => import('./model-graded-factuality.js'),
  'model-graded-closedqa': () => import('./model-graded-closedqa.js'),
  'g-eval': () => import('./g-eval.js'),
  'context-faithfulness': () => import('./context-faithfulness.js'),
  'context-recall': () => import('./context-recall.js'),
  'context-relevance': () => import('./context-relevance.js'),
  'select-best': () => import('./select-best.js'),
  'max-score': () => import('./max-score.js'),
  similar: () => import('./similar.js'),
  'answer-relevance': () => import('./answer-relevance.js'),
  'choice-logprob': () => import('./choice-logprob.js'),
  'code-exec': () => import('./code-exec.js'),
  'no-leak': () => import('./no-leak.js'),
  'no-secrets': () => import('./no-secrets.js'),
  refuses: () => import('./refuses.js'),
  'icontains-any': () => import('./icontains-any.js'),
  'icontains-all': () => import('./icontains-all.js'),
  'rouge-n': () => import('./rouge-n.js'),
  'is-refusal': () => import('./is-refusal.js'),
  'is-xml': () => import('./is-xml.js'),
  'contains-xml': () => import('./contains-xml.js'),
  'is-sql': () => import('./is-sql.js'),
  'contains-sql': () => import('./contains-sql.js'),
  perplexity: () => import('./perplexity.js'),
  'perplexity-score': () => import('./perplexity-score.js'),
  webhook: () => import('./webhook.js'),
  'is-valid-openai-tools-call': () => import('./is-valid-openai-tools-call.js'),
  'tool-call-f1': () => import('./tool-call-f1.js'),
  'vqa-accuracy': () => import('./vqa-accuracy.js'),
  'cross-modal-consistency': () => import('./cross-modal-consistency.js'),
  'cider-d': () => import('./cider-d.js'),
} satisfies Record<string, Loader>;

/** Every built-in metric id. */
export type MetricType = keyof typeof registry;
export const metricTypes = Object.keys(registry) as MetricType[];

export function isMetricType(type: string): type is MetricType {
  return Object.hasOwn(registry, type);
}

/** Loads a built-in metric plugin; the caller checks `isMetricType` first. */
export async function loadMetricPlugin(type: MetricType): Promise<MetricPlugin<any, any>> {
  return (await registry[type]()).default;
}

/** `not-icontains` → { type: 'icontains', negate: true }. A metric whose own id starts with `not-` wins. */
export function parseAssertionType(written: string): { type: string; negate: boolean } {
  if (written.startsWith('not-') && !isMetricType(written)) return { type: written.slice(4), negate: true };
  return { type: written, negate: false };
}
