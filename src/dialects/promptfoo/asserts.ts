/**
 * promptfoo assertions → llmlab assertions. Type names pass through (llmlab registers promptfoo's names; an
 * unknown one stops the load naming it). What differs: `provider` is llmlab's `grader`; `cost` and `latency`
 * take their limit as `threshold` in promptfoo and as `value` in llmlab; a `file://` value is loaded (a text
 * rubric, parsed JSON/YAML) or, for `javascript` and `python`, is the module itself (a python assertion's
 * `config` joins its value: `{ code, config }`); a JavaScript `transform` expression
 * is a `javascript` transform step.
 */
import { extname, relative } from 'node:path';
import { child, fileRef, isRecord, Translator } from './context.js';
import type { Here } from './context.js';
import { translateGrader } from './graders.js';
import { readDoc, readText } from './read.js';
import type { PathSegment } from './types.js';

/** Assertion keys passed through unchanged. */
const SAME = new Set(['type', 'weight', 'metric', 'threshold']);

/** Types whose limit promptfoo writes as `threshold` and llmlab as `value` (a maximum, not a score). */
const LIMIT_AS_THRESHOLD = new Set(['cost', 'latency', 'perplexity']);

/** Model-graded types: they need a grader (promptfoo's default when none is set). */
export const MODEL_GRADED = new Set([
  'llm-rubric', 'model-graded-closedqa', 'model-graded-factuality', 'factuality', 'g-eval', 'answer-relevance',
  'context-faithfulness', 'context-recall', 'context-relevance', 'select-best', 'similar',
]);

/** Types graded by embeddings. */
export const EMBEDDING_GRADED = new Set(['similar']);

/**
 * promptfoo's shorthand types (CSV `__expected` prefixes), and its per-vendor names for one check: that every
 * function call names a declared tool with arguments valid against its schema.
 */
const SHORTHAND: Record<string, string> = {
  grade: 'llm-rubric',
  fn: 'javascript',
  eval: 'javascript',
  'is-valid-function-call': 'is-valid-openai-tools-call',
  'is-valid-openai-function-call': 'is-valid-openai-tools-call',
};

export async function translateAsserts(t: Translator, value: unknown, here: Here, to: PathSegment[]): Promise<unknown[]> {
  t.map(to, here);
  if (!Array.isArray(value)) {
    t.problem(here, '`assert` must be a list of assertions', 'e.g. `assert: [{ type: icontains, value: reset }]`');
    return [];
  }
  const out: unknown[] = [];
  for (const [i, entry] of value.entries()) {
    const translated = await translateAssert(t, entry, child(here, i), [...to, out.length]);
    if (translated !== undefined) out.push(translated);
  }
  return out;
}

async function translateAssert(t: Translator, entry: unknown, here: Here, to: PathSegment[]): Promise<unknown> {
  if (isRecord(entry) && typeof entry.$ref === 'string') {
    const template = templateOf(t, entry.$ref, child(here, '$ref'));
    return template && translateAssert(t, template.entry, template.here, to);
  }
  t.map(to, here);
  if (!isRecord(entry) || typeof entry.type !== 'string') {
    t.problem(here, 'an assertion must be an object with `type`', 'e.g. `{ type: contains, value: hello }`');
    return undefined;
  }
  const negated = entry.type.startsWith('not-');
  const base = negated ? entry.type.slice(4) : entry.type;
  const type = `${negated ? 'not-' : ''}${SHORTHAND[base] ?? base}`;
  if (base === 'assert-set') {
    t.problem(child(here, 'type'), '`assert-set` does not translate to llmlab', 'list its assertions directly in the test (llmlab passes a test when all of them pass)');
    return undefined;
  }
  const out: Record<string, unknown> = { type };
  let pythonConfig: unknown;
  // promptfoo's `threshold` on levenshtein is the largest edit distance that passes; llmlab's threshold is a score.
  const { threshold: distance, ...rest } = entry;
  const fields = base === 'levenshtein' && typeof distance === 'number' ? { ...rest, value: { expected: entry.value, maxDistance: distance } } : entry;
  for (const [key, value] of Object.entries(fields)) {
    const at = child(here, key);
    if (key === 'type') continue;
    if (SAME.has(key)) {
      if (key === 'threshold' && LIMIT_AS_THRESHOLD.has(base)) {
        out.value = value;
        t.map([...to, 'value'], at);
      } else {
        out[key] = value;
        t.map([...to, key], at);
      }
    } else if (key === 'value') {
      const loaded = await loadValue(t, value, at, base);
      if (loaded === undefined) continue;
      out.value = loaded;
      t.map([...to, 'value'], at);
      if (fileRef(value) !== undefined && typeof loaded === 'string' && loaded.startsWith('file:')) t.fileRefs.push([...to, 'value']);
    } else if (key === 'provider') {
      const grader = translateGrader(t, value, at, [...to, 'grader'], EMBEDDING_GRADED.has(base) ? 'embedding' : 'text');
      if (grader !== undefined) out.grader = grader;
    } else if (key === 'transform') {
      const transform = jsTransform(t, value, at);
      if (transform === undefined) continue;
      out.transform = transform;
      t.map([...to, 'transform'], at);
    } else if (key === 'config' && base === 'python') {
      // llmlab's python takes promptfoo's `config` inside its value; joined with `value` below.
      pythonConfig = value;
      t.map([...to, 'value', 'config'], at);
    } else if (key === 'rubricPrompt' || key === 'contextTransform' || key === 'config') {
      t.problem(at, `assertion \`${key}\` does not translate to llmlab`, key === 'rubricPrompt'
        ? 'llmlab judges use their own prompt: put the criteria in the rubric `value`'
        : key === 'config'
          ? 'assertion config does not translate: check the metric\'s options in docs/assertions.md'
          : 'put the context in a test var instead', { key: true });
    } else {
      t.problem(at, `unknown assertion key \`${key}\``, 'a promptfoo assertion has type, value, threshold, weight, metric, provider and transform', { key: true });
    }
  }
  if (pythonConfig !== undefined && typeof out.value === 'string') {
    out.value = { code: out.value, config: pythonConfig };
    const ref = t.fileRefs.find((path) => path.length === to.length + 1 && path.every((segment, i) => segment === [...to, 'value'][i]));
    ref?.push('code');
  }
  return out;
}

/**
 * A JavaScript `transform` expression as an llmlab `javascript` transform step (the same trust model as the
 * `javascript` assertion); `transformVars` stays a string. A module file is refused: llmlab runs inline code only.
 */
export function jsTransform(t: Translator, value: unknown, at: Here, key: 'transform' | 'transformVars' = 'transform'): unknown {
  if (typeof value !== 'string' || value.trim() === '') {
    t.problem(at, `\`${key}\` must be JavaScript code`, 'e.g. `transform: output.trim()`');
    return undefined;
  }
  if (fileRef(value) !== undefined) {
    t.problem(at, `a \`${key}\` module file does not translate to llmlab`, 'write the code inline: one line is an expression, several lines a function body with `return`');
    return undefined;
  }
  return key === 'transformVars' ? value : { javascript: value };
}

/** An assertion value with `file://` references loaded; undefined when one failed (recorded). */
async function loadValue(t: Translator, value: unknown, at: Here, type: string): Promise<unknown> {
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const [i, item] of value.entries()) {
      const loaded = await loadValue(t, item, child(at, i), type);
      if (loaded === undefined) return undefined;
      items.push(loaded);
    }
    return items;
  }
  const ref = fileRef(value);
  if (ref === undefined) return value;
  const file = t.resolvePath(at.doc, ref.replace(/:[A-Za-z_$][\w$]*$/, ''));
  const ext = extname(file).toLowerCase();
  if (/^\.(m?[jt]s|cjs)$/.test(ext)) {
    // Relative to the config's folder, where llmlab resolves it; `:function` suffixes stay.
    if (type === 'javascript') return `file:${relative(t.baseDir, t.resolvePath(at.doc, ref))}`;
    t.problem(at, `a JavaScript module as the value of \`${type}\` does not translate`, 'use `type: javascript` with `value: file://<module>` to run code');
    return undefined;
  }
  if (ext === '.py') {
    if (type === 'python') return `file:${relative(t.baseDir, t.resolvePath(at.doc, ref))}`;
    t.problem(at, `a Python script as the value of \`${type}\` does not translate`, 'use `type: python` with `value: file://<script.py>` to run it');
    return undefined;
  }
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    const doc = await readDoc(t, at, file);
    return doc?.value ?? undefined;
  }
  return readText(t, at, file, 'assertion value file');
}

/**
 * `$ref: '#/assertionTemplates/<name>'` → that template, located where it is written in the config, so an error in
 * it points at the template. An unknown name is an error at the `$ref`.
 */
function templateOf(t: Translator, ref: string, at: Here): { entry: unknown; here: Here } | undefined {
  const name = /^#\/assertionTemplates\/(.+)$/.exec(ref)?.[1];
  const templates = isRecord(t.root.value) && isRecord(t.root.value.assertionTemplates) ? t.root.value.assertionTemplates : {};
  if (name === undefined || !Object.hasOwn(templates, name)) {
    const known = Object.keys(templates);
    t.problem(at, `\`${ref}\` names no assertion template`, known.length > 0 ? `templates: ${known.map((k) => `#/assertionTemplates/${k}`).join(', ')}` : 'define it under `assertionTemplates:`');
    return undefined;
  }
  return { entry: templates[name], here: { doc: t.root, path: ['assertionTemplates', name] } };
}
