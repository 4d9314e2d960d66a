/**
 * promptfoo tests, `defaultTest` and `scenarios` → llmlab tests. Test files (`file://tests.csv|yaml|json|jsonl`,
 * globs) are read here, not left to llmlab's loader, so their rows get promptfoo's semantics too: loaded
 * `file://` vars, array-var expansion, `options`.
 */
import { child, fileRef, isRecord, Translator } from './context.js';
import type { Here } from './context.js';
import { EMBEDDING_GRADED, jsTransform, MODEL_GRADED, translateAsserts } from './asserts.js';
import { translateGraderPair } from './graders.js';
import { expandRef } from './read.js';
import type { DialectRow, PathSegment, SourceDoc } from './types.js';
import { expandVars, loadVars } from './vars.js';

const TEST_KEYS = new Set(['description', 'vars', 'assert', 'options', 'metadata']);

/** promptfoo's assertion types (and CSV `__expected` shorthands), so `__expected: grade: …` is an assertion. */
const PROMPTFOO_TYPES = new Set(
  ('equals contains icontains contains-all contains-any icontains-all icontains-any starts-with regex is-json contains-json ' +
    'is-html contains-html is-sql contains-sql is-xml contains-xml is-refusal javascript python webhook rouge-n bleu gleu ' +
    'meteor levenshtein latency perplexity perplexity-score cost is-valid-openai-function-call is-valid-openai-tools-call ' +
    'tool-call-f1 finish-reason similar classifier llm-rubric g-eval model-graded-closedqa factuality model-graded-factuality ' +
    'answer-relevance context-faithfulness context-recall context-relevance select-best max-score moderation guardrails ' +
    'grade fn eval').split(' '),
);
const isPromptfooType = (type: string) => PROMPTFOO_TYPES.has(type.replace(/^not-/, ''));

/** `tests` in any promptfoo shape → a list of llmlab test objects. */
export async function translateTests(t: Translator, value: unknown, here: Here, out: unknown[]): Promise<void> {
  const entries = Array.isArray(value) ? value.map((entry, i) => ({ entry, at: child(here, i) })) : [{ entry: value, at: here }];
  for (const { entry, at } of entries) {
    const ref = fileRef(entry);
    if (ref !== undefined) await translateTestFiles(t, ref, at, out);
    else if (isRecord(entry)) await translateTest(t, entry, at, out);
    else if (typeof entry === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
      t.problem(at, `remote tests (\`${entry.slice(0, entry.indexOf('://') + 3)}…\`) do not translate to llmlab`, 'download the rows to a CSV, JSONL, JSON or YAML file and name it with `file://`');
    } else t.problem(at, 'a promptfoo test must be an object or a `file://` reference', 'e.g. `- vars: { question: … }` or `tests: file://tests.csv`');
  }
}

async function translateTestFiles(t: Translator, ref: string, at: Here, out: unknown[]): Promise<void> {
  if (/\.(m?[jt]s|cjs|py)(:\w+)?$/i.test(ref)) {
    t.problem(at, `a test generator (\`${ref}\`) does not translate to llmlab`, 'write the generated tests to a JSONL, JSON, YAML or CSV file and name that');
    return;
  }
  for (const file of await expandRef(t, at, ref)) {
    let rows: DialectRow[];
    try {
      rows = await t.deps.readRows(file, isPromptfooType);
    } catch (error) {
      t.fail(error);
      continue;
    }
    t.addSource(file);
    for (const row of rows) {
      const doc: SourceDoc = {
        file,
        value: row.test,
        locate: (path) => (row.locate && path.length > 0 ? row.locate(path) : row.where),
        contentLine: () => row.where.line ?? 1,
      };
      const at: Here = { doc, path: [] };
      if (refuseCode(t, row.test, at)) continue;
      await translateTest(t, row.test, at, out);
    }
  }
}

/**
 * llmlab's trust model (src/config/dataset-code.ts): rows of test files are data, and promptfoo would run their
 * JavaScript (assertions, transforms). The translation inlines rows into the suite, where they would be trusted
 * code, so such a row is refused here instead. True when refused.
 */
function refuseCode(t: Translator, test: Record<string, unknown>, at: Here): boolean {
  const found: Array<{ what: string; path: PathSegment[] }> = [];
  const options = isRecord(test.options) ? test.options : {};
  for (const key of ['transform', 'transformVars']) if (options[key] !== undefined) found.push({ what: `\`options.${key}\``, path: ['options', key] });
  (Array.isArray(test.assert) ? test.assert : []).forEach((assertion, i) => {
    if (!isRecord(assertion)) return;
    const type = String(assertion.type).replace(/^not-/, '');
    if (type === 'javascript' || type === 'fn' || type === 'eval') found.push({ what: '`javascript` assertion', path: ['assert', i, 'type'] });
    else if (assertion.transform !== undefined) found.push({ what: 'assertion `transform`', path: ['assert', i, 'transform'] });
  });
  for (const { what, path } of found) {
    t.problem(child({ doc: at.doc, path: [...at.path, ...path.slice(0, -1)] }, path[path.length - 1]!), `a test file's row may not run code: its ${what} is refused`, 'llmlab treats test files as data (promptfoo runs their code): move the check into the config itself, e.g. its `defaultTest`');
  }
  return found.length > 0;
}

/** One promptfoo test → one llmlab test per combination of its array vars. */
export async function translateTest(t: Translator, test: Record<string, unknown>, here: Here, out: unknown[], extra?: { vars?: Record<string, unknown>; assert?: unknown[]; description?: string }): Promise<void> {
  const base: Record<string, unknown> = {};
  let grading: Record<string, unknown> = {};
  let expand = true;
  const first = out.length;
  for (const [key, value] of Object.entries(test)) {
    const at = child(here, key);
    if (key === 'options') {
      const options = translateOptions(t, value, at, ['tests', first]);
      grading = options.grading;
      expand = !options.disableVarExpansion;
      Object.assign(base, options.keys);
    } else if (key === 'description' || key === 'metadata') {
      base[key] = value;
    } else if (!TEST_KEYS.has(key)) {
      const hint = key === 'threshold'
        ? 'llmlab passes a test when all its assertions pass: use each assertion\'s `weight` and `threshold` instead'
        : key === 'provider' || key === 'providers' || key === 'prompts'
          ? 'llmlab runs every test against every provider and prompt: split the suite to pair them'
          : 'a promptfoo test has description, vars, assert, options and metadata';
      t.problem(at, `test key \`${key}\` does not translate to llmlab`, hint, { key: true });
    }
  }
  const vars = await loadVars(t, test.vars, child(here, 'vars'));
  if (vars === undefined) return;
  const asserts = test.assert === undefined ? [] : await translateAsserts(t, test.assert, child(here, 'assert'), ['tests', first, 'assert']);
  const allVars = { ...extra?.vars, ...vars };
  const combos = expand ? expandVars(t, allVars, child(here, 'vars')) : [{ vars: allVars, picks: {} }];
  for (const { vars: combo, picks } of combos) {
    const index = out.length;
    const to: PathSegment[] = ['tests', index];
    t.map(to, here);
    for (const [name, pick] of Object.entries(picks)) t.map([...to, 'vars', name], { doc: here.doc, path: [...here.path, 'vars', name, pick] });
    for (const name of Object.keys(vars)) if (!(name in picks)) t.map([...to, 'vars', name], child(child(here, 'vars'), name));
    // The test's own first, so translated assertion indices stay those of the file.
    const assert = [...withGrader(asserts, grading), ...(extra?.assert ?? [])];
    if (index !== first) t.map([...to, 'assert'], child(here, 'assert'));
    const description = [extra?.description, base.description].filter((d) => d !== undefined).join(' — ');
    out.push({
      ...base,
      ...(description === '' ? {} : { description }),
      ...(Object.keys(combo).length === 0 ? {} : { vars: combo }),
      ...(assert.length === 0 ? {} : { assert }),
    });
  }
}

/**
 * A test's `options`: `provider` becomes the grader of its model-graded assertions (llmlab sets graders on
 * assertions and defaultTest, not tests); `transform` and `transformVars` become the test's.
 */
export function translateOptions(t: Translator, value: unknown, here: Here, to: PathSegment[]): { grading: Record<string, unknown>; keys: Record<string, unknown>; disableVarExpansion: boolean } {
  const result = { grading: {} as Record<string, unknown>, keys: {} as Record<string, unknown>, disableVarExpansion: false };
  if (!isRecord(value)) {
    t.problem(here, '`options` must be a mapping', 'e.g. `options: { provider: openai:gpt-4o-mini }`');
    return result;
  }
  for (const [key, option] of Object.entries(value)) {
    const at = child(here, key);
    // `providers` is not in promptfoo's reference, but its examples use it and promptfoo reads it as `provider`.
    if (key === 'provider' || key === 'providers') result.grading = translateGraderPair(t, option, at, to);
    else if (key === 'transform' || key === 'transformVars') {
      const transform = jsTransform(t, option, at, key);
      if (transform === undefined) continue;
      result.keys[key] = transform;
      t.map([...to, key], at);
    } else if (key === 'disableVarExpansion') result.disableVarExpansion = option === true;
    else if (key === 'runSerially') t.notice(at, '`runSerially` ignored: llmlab calls providers concurrently (use -j 1 for one at a time)');
    else {
      const hint = key === 'prefix' || key === 'suffix'
        ? 'put the text in the prompt template'
        : key === 'rubricPrompt'
          ? 'llmlab judges use their own prompt: put the criteria in the rubric `value`'
          : 'test options that translate: provider, transform, transformVars, disableVarExpansion';
      t.problem(at, `test option \`${key}\` does not translate to llmlab`, hint, { key: true });
    }
  }
  return result;
}

/** The test's grading providers set on its model-graded assertions that have none of their own. */
function withGrader(asserts: unknown[], grading: Record<string, unknown>): unknown[] {
  if (grading.grader === undefined && grading.embedder === undefined) return asserts;
  return asserts.map((assert) => {
    if (!isRecord(assert) || assert.grader !== undefined) return assert;
    const base = String(assert.type).replace(/^not-/, '');
    if (!MODEL_GRADED.has(base)) return assert;
    const grader = EMBEDDING_GRADED.has(base) ? grading.embedder : grading.grader;
    return grader === undefined ? assert : { ...assert, grader };
  });
}
