/**
 * promptfoo's top-level keys that are not providers, prompts or tests: run options (`evaluateOptions`,
 * `outputPath`), eval metadata, and the keys llmlab does not translate, each with its reason.
 */
import { child, isRecord, Translator } from './context.js';
import type { Here } from './context.js';
import type { RunSettings } from './types.js';

/** Top-level keys left out, with the reason the untranslated list gives. */
export const UNTRANSLATED: Record<string, string> = {
  redteam: 'promptfoo red teaming does not translate key by key: declare `target` and `attacks:` in an llmlab suite (docs/security.md)',
  env: 'not copied into the suite (llmlab never stores environment values in a suite, its hash or its reports): export these variables in your shell',
  nunjucksFilters: 'custom nunjucks filters are JavaScript modules llmlab does not load: a template using one fails to render',
  extensions: 'extension hooks (beforeAll, afterEach, …) do not run in llmlab',
  commandLineOptions: 'pass the options on the llmlab command line instead (`llmlab eval --help`)',
  tracing: 'OpenTelemetry tracing is not supported',
};

/** Keys llmlab has nothing to do with, ignored with a notice. */
export const IGNORED: Record<string, string> = {
  sharing: 'ignored (llmlab never uploads results)',
  writeLatestResults: 'ignored (llmlab stores every run)',
};

/** `evaluateOptions` → run settings, `repeat`, and provider limits for `delay`. */
export function translateEvaluateOptions(
  t: Translator,
  value: unknown,
  here: Here,
  settings: RunSettings,
): { repeat?: number; delayMs?: number } {
  const out: { repeat?: number; delayMs?: number } = {};
  if (!isRecord(value)) {
    t.problem(here, '`evaluateOptions` must be a mapping', 'e.g. `evaluateOptions: { maxConcurrency: 4 }`');
    return out;
  }
  for (const [key, option] of Object.entries(value)) {
    const at = child(here, key);
    const positive = typeof option === 'number' && Number.isInteger(option) && option > 0;
    if (key === 'maxConcurrency' && positive) settings.concurrency = option;
    else if (key === 'repeat' && positive) out.repeat = option;
    else if (key === 'delay' && typeof option === 'number' && option >= 0) out.delayMs = option;
    else if (key === 'cache' && typeof option === 'boolean') {
      if (!option) settings.noCache = true;
    } else if (key === 'showProgressBar') {
      t.notice(at, '`showProgressBar` ignored (llmlab shows progress on a terminal)');
    } else if (['maxConcurrency', 'repeat', 'delay', 'cache'].includes(key)) {
      t.problem(at, `\`evaluateOptions.${key}\` has an invalid value`, key === 'cache' ? 'true or false' : 'a positive whole number');
    } else {
      t.problem(at, `\`evaluateOptions.${key}\` does not translate to llmlab`, 'evaluateOptions that translate: maxConcurrency (-j), repeat, delay, cache', { key: true });
    }
  }
  return out;
}

/** `outputPath` (one path or a list) → report files, relative to the config's folder. */
export function translateOutputPath(t: Translator, value: unknown, here: Here, settings: RunSettings): void {
  const paths = Array.isArray(value) ? value : [value];
  const outputs: string[] = [];
  for (const [i, path] of paths.entries()) {
    const at = Array.isArray(value) ? child(here, i) : here;
    if (typeof path !== 'string' || path === '') {
      t.problem(at, '`outputPath` must be a file path or a list of them', 'e.g. `outputPath: results.json`');
      continue;
    }
    if (!REPORT_EXTENSIONS.test(path)) {
      t.problem(at, `llmlab writes no report like \`${path}\``, 'report formats: .json, .html, .md, .csv, .jsonl, .xml (JUnit)');
      continue;
    }
    outputs.push(t.resolvePath(t.root, path));
  }
  if (outputs.length > 0) {
    settings.outputs = outputs;
    t.notice(here, 'outputPath is written in llmlab\'s report formats, not promptfoo\'s (docs/reports.md)');
  }
}

/** The report formats `llmlab eval -o` writes (src/cli/outputs.ts). */
const REPORT_EXTENSIONS = /\.(json|html|md|csv|jsonl|xml)$/i;

/** `delay` between calls → the same pace as provider limits: one call at a time, at most 60000/delay a minute. */
export function delayLimits(delayMs: number): Record<string, number> {
  return delayMs === 0 ? {} : { concurrency: 1, rpm: Math.max(1, Math.floor(60_000 / delayMs)) };
}
