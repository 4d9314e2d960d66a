/**
 * Is this file a promptfoo config? Decided before validation, from the file name and from keys and shapes only
 * promptfoo has. A file that also has a key only llmlab has stays an llmlab suite: its promptfoo keys are then
 * unknown keys, which validation names, so a mixed file is never half-translated.
 */
import { basename } from 'node:path';
import { isRecord } from './context.js';

/** promptfoo's default config names: `promptfooconfig.yaml`, `promptfooconfig.json`, `promptfooconfig-x.yml`. */
const CONFIG_NAME = /^promptfooconfig[^/]*\.(ya?ml|json)$/i;

/** Top-level keys promptfoo reads and an llmlab suite does not have. */
export const PROMPTFOO_ONLY_KEYS = [
  'targets',
  'scenarios',
  'evaluateOptions',
  'commandLineOptions',
  'outputPath',
  'sharing',
  'redteam',
  'env',
  'nunjucksFilters',
  'extensions',
  'writeLatestResults',
  'tracing',
];

/** Top-level keys only an llmlab suite has: their presence means the file is llmlab's. */
const LLMLAB_ONLY_KEYS = [
  '$schema',
  'grader',
  'embedder',
  'graderRepeat',
  'prices',
  'budget',
  'repeat',
  'dataset',
  'allowCodeExecution',
  'trustDatasetCode',
  'gates',
  'target',
  'attacks',
  'attacker',
  'severityThreshold',
];

/** Why the file reads as promptfoo (shown to the user), or undefined for an llmlab suite. */
export function detectPromptfoo(file: string, value: unknown): string | undefined {
  if (CONFIG_NAME.test(basename(file))) return 'its file name';
  if (!isRecord(value)) return undefined;
  // promptfoo's own JSON schema URL is a promptfoo sign; any other `$schema` is llmlab's.
  if (typeof value.$schema === 'string' && value.$schema.includes('promptfoo')) return 'its promptfoo `$schema`';
  if (LLMLAB_ONLY_KEYS.some((key) => key in value)) return undefined;
  const only = PROMPTFOO_ONLY_KEYS.find((key) => key in value);
  if (only) return `its \`${only}\` key`;
  if (isRecord(value.defaultTest) && 'options' in value.defaultTest) return 'its `defaultTest.options` key';
  if (Array.isArray(value.prompts) && value.prompts.some((p) => isRecord(p) && ('raw' in p || 'label' in p))) {
    return 'a prompt written as `{ raw, label }`';
  }
  if (hasFileUrl(value)) return 'its `file://` references';
  return undefined;
}

/** Whether any string in the value starts with `file://`. */
function hasFileUrl(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (typeof value === 'string') return value.startsWith('file://');
  if (Array.isArray(value)) return value.some((item) => hasFileUrl(item, depth + 1));
  if (isRecord(value)) return Object.values(value).some((item) => hasFileUrl(item, depth + 1));
  return false;
}
