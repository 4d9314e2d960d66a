/**
 * A promptfoo config → an llmlab SuiteFile, in memory, with where every translated node came from. Every
 * top-level key is translated, listed as untranslated with a reason, ignored with a notice, or an error; none is
 * dropped silently.
 */
import { dirname } from 'node:path';
import type { SuiteFile } from '../../schema-types/suite-file.js';
import { child, fileRef, isRecord, Translator } from './context.js';
import { readDoc } from './read.js';
import type { Here } from './context.js';
import { EMBEDDING_GRADED, MODEL_GRADED, translateAsserts } from './asserts.js';
import { PROMPTFOO_DEFAULT_EMBEDDER, PROMPTFOO_DEFAULT_GRADER } from './graders.js';
import { delayLimits, IGNORED, translateEvaluateOptions, translateOutputPath, UNTRANSLATED } from './options.js';
import { translatePrompts } from './prompts.js';
import { translateProviders } from './providers.js';
import { translateOptions, translateTest, translateTests } from './tests.js';
import type { DialectDeps, RunSettings, SourceDoc, Translation } from './types.js';
import { loadVars } from './vars.js';

/** Keys translated by the code below (the others are in UNTRANSLATED or IGNORED). */
const TRANSLATED = new Set([
  '$schema', 'description', 'providers', 'targets', 'prompts', 'tests', 'defaultTest', 'scenarios', 'derivedMetrics',
  'evaluateOptions', 'outputPath', 'metadata', 'tags',
  // Read where an assertion names one (`$ref: '#/assertionTemplates/x'`).
  'assertionTemplates',
]);

/** Translates the promptfoo config in `doc`; throws the problems found (all of them) as LlmlabErrors. */
export async function translatePromptfoo(doc: SourceDoc, deps: DialectDeps): Promise<Translation> {
  const t = new Translator(doc, dirname(doc.file), deps);
  const root: Here = { doc, path: [] };
  t.map([], root);
  const config = doc.value;
  if (!isRecord(config)) {
    t.problem(root, 'a promptfoo config must be a mapping', 'it has `providers` (or `targets`), `prompts` and `tests`');
    t.throwIfAny();
    return undefined as never;
  }
  const suite: SuiteFile & Record<string, unknown> = {};
  const settings: RunSettings = {};
  let delayMs: number | undefined;
  for (const key of Object.keys(config)) {
    const at = child(root, key);
    if (key in UNTRANSLATED) t.skip(at, UNTRANSLATED[key] as string);
    else if (key in IGNORED) t.notice(at, `\`${key}\` ${IGNORED[key] as string}`);
    else if (!TRANSLATED.has(key)) {
      t.problem(at, `unknown promptfoo key \`${key}\``, 'check the spelling; llmlab translates description, providers/targets, prompts, tests, defaultTest, scenarios, derivedMetrics, evaluateOptions, outputPath, metadata, tags', { key: true });
    }
  }
  // promptfoo generates a red-team config's tests from `redteam:`; without tests of its own there is nothing left.
  if ('redteam' in config && config.tests === undefined && config.scenarios === undefined) {
    t.problem(child(root, 'redteam'), 'this promptfoo config only red-teams, and `redteam:` does not translate', 'write an llmlab suite with `target` and `attacks:` for the same model (docs/security.md)', { key: true });
    t.throwIfAny();
  }
  if (typeof config.description === 'string') {
    suite.description = config.description;
    t.map(['description'], child(root, 'description'));
  }
  if ('providers' in config && 'targets' in config) {
    t.problem(child(root, 'targets'), 'a promptfoo config has `providers` or `targets`, not both', 'keep one of them', { key: true });
  }
  const providersKey = 'targets' in config ? 'targets' : 'providers';
  if (config[providersKey] !== undefined) {
    t.map(['providers'], child(root, providersKey));
    suite.providers = (await translateProviders(t, config[providersKey], child(root, providersKey))) as SuiteFile['providers'];
  }
  if (config.prompts !== undefined) {
    t.map(['prompts'], child(root, 'prompts'));
    suite.prompts = (await translatePrompts(t, config.prompts, child(root, 'prompts'))) as SuiteFile['prompts'];
  }
  moveTools(t, suite);
  if (config.evaluateOptions !== undefined) {
    const evaluate = translateEvaluateOptions(t, config.evaluateOptions, child(root, 'evaluateOptions'), settings);
    if (evaluate.repeat !== undefined) {
      suite.repeat = evaluate.repeat;
      t.map(['repeat'], child(child(root, 'evaluateOptions'), 'repeat'));
    }
    delayMs = evaluate.delayMs;
  }
  if (config.outputPath !== undefined) translateOutputPath(t, config.outputPath, child(root, 'outputPath'), settings);
  const metadata = { ...(isRecord(config.metadata) ? config.metadata : {}), ...(isRecord(config.tags) ? { tags: config.tags } : {}) };
  await translateDefaultTest(t, config.defaultTest, child(root, 'defaultTest'), suite, metadata);
  const tests: unknown[] = [];
  if (config.tests !== undefined) {
    t.map(['tests'], child(root, 'tests'));
    await translateTests(t, config.tests, child(root, 'tests'), tests);
  }
  if (config.scenarios !== undefined) await translateScenarios(t, config.scenarios, child(root, 'scenarios'), tests);
  if (config.tests !== undefined || config.scenarios !== undefined) suite.tests = tests as SuiteFile['tests'];
  else {
    // promptfoo runs a config without tests as one test of defaultTest alone.
    suite.tests = [{}];
    t.notice(root, 'no `tests`: every prompt runs once, with defaultTest\'s vars and assertions (as promptfoo does)');
  }
  if (config.derivedMetrics !== undefined) translateDerived(t, config.derivedMetrics, child(root, 'derivedMetrics'), suite);
  if (delayMs !== undefined) applyDelay(t, suite, delayMs, child(child(root, 'evaluateOptions'), 'delay'));
  setDefaultGraders(t, suite, root);
  t.throwIfAny();
  return {
    suite,
    origins: t.origins,
    notices: t.notices,
    untranslated: t.untranslated,
    fileRefs: t.fileRefs,
    sources: t.sources,
    settings,
  };
}

async function translateDefaultTest(t: Translator, written: unknown, at: Here, suite: SuiteFile, metadata: Record<string, unknown>): Promise<void> {
  const defaultTest: Record<string, unknown> = Object.keys(metadata).length > 0 ? { metadata } : {};
  // `defaultTest: file://defaults.yaml`: its paths are relative to that file, and its positions are in it.
  const ref = fileRef(written);
  const doc = ref === undefined ? undefined : await readDoc(t, at, t.resolvePath(at.doc, ref));
  if (ref !== undefined && doc === undefined) return;
  const value = doc ? doc.value : written;
  const here: Here = doc ? { doc, path: [] } : at;
  if (value !== undefined) t.map(['defaultTest'], here);
  if (value !== undefined && !isRecord(value)) {
    t.problem(here, '`defaultTest` must be a mapping', 'e.g. `defaultTest: { assert: [...] }`');
  } else if (value !== undefined) {
    for (const [key, item] of Object.entries(value)) {
      const at = child(here, key);
      if (key === 'vars') {
        const vars = await loadVars(t, item, at);
        if (vars !== undefined) defaultTest.vars = vars;
      } else if (key === 'assert') defaultTest.assert = await translateAsserts(t, item, at, ['defaultTest', 'assert']);
      else if (key === 'metadata' && isRecord(item)) defaultTest.metadata = { ...metadata, ...item };
      else if (key === 'options') {
        const options = translateOptions(t, item, at, ['defaultTest']);
        Object.assign(defaultTest, options.grading, options.keys);
      } else {
        t.problem(at, `defaultTest key \`${key}\` does not translate to llmlab`, 'defaultTest keys that translate: vars, assert, options, metadata', { key: true });
      }
    }
  }
  if (Object.keys(defaultTest).length > 0) suite.defaultTest = defaultTest as SuiteFile['defaultTest'];
}

/** `scenarios`: every `config` entry's vars (and assertions) crossed with every test of the scenario. */
async function translateScenarios(t: Translator, value: unknown, here: Here, out: unknown[]): Promise<void> {
  if (!Array.isArray(value)) {
    t.problem(here, '`scenarios` must be a list', 'each scenario has `config` (a list of vars sets) and `tests`');
    return;
  }
  for (const [i, scenario] of value.entries()) {
    const at = child(here, i);
    if (!isRecord(scenario) || !Array.isArray(scenario.config)) {
      t.problem(at, 'a scenario needs `config`, a list of `{ vars }`', 'e.g. `config: [{ vars: { language: French } }]`');
      continue;
    }
    const unknown = Object.keys(scenario).find((key) => !['description', 'config', 'tests'].includes(key));
    if (unknown) t.problem(child(at, unknown), `unknown scenario key \`${unknown}\``, 'a scenario has description, config and tests', { key: true });
    const tests = Array.isArray(scenario.tests) ? scenario.tests : [{}];
    for (const [j, data] of scenario.config.entries()) {
      const dataAt = child(child(at, 'config'), j);
      if (!isRecord(data)) continue;
      const vars = await loadVars(t, data.vars, child(dataAt, 'vars'));
      const assert = data.assert === undefined ? [] : await translateAsserts(t, data.assert, child(dataAt, 'assert'), ['scenarios', i, j]);
      if (vars === undefined) continue;
      for (const [k, test] of tests.entries()) {
        const testAt = Array.isArray(scenario.tests) ? child(child(at, 'tests'), k) : at;
        const description = [scenario.description, data.description].filter((d) => typeof d === 'string').join(' — ');
        if (isRecord(test)) await translateTest(t, test, testAt, out, { vars, assert, ...(description === '' ? {} : { description }) });
      }
    }
  }
}

function translateDerived(t: Translator, value: unknown, here: Here, suite: Record<string, unknown>): void {
  const ok = Array.isArray(value) && value.every((m) => isRecord(m) && typeof m.name === 'string' && typeof m.value === 'string');
  if (!ok) {
    t.problem(here, 'derived metrics written as JavaScript functions do not translate', 'write each as `{ name, value: "<arithmetic expression>" }`');
    return;
  }
  suite.derivedMetrics = value;
  t.map(['derivedMetrics'], here);
}

/**
 * promptfoo declares tools on the provider, llmlab on the prompt. They move to every prompt when every provider
 * declares the same ones (else some provider would get tools it was not given: an error).
 */
function moveTools(t: Translator, suite: SuiteFile): void {
  const isFunction = (tool: unknown) => typeof tool === 'object' && tool !== null && (tool as { type?: unknown }).type === 'function';
  const providers = (suite.providers ?? []).map((p, i) => {
    const config = typeof p === 'string' ? undefined : p.config;
    const all = Array.isArray(config?.tools) ? (config.tools as unknown[]) : [];
    return { i, config, functions: all.filter(isFunction), toolChoice: config?.toolChoice };
  });
  const withTools = providers.filter(({ functions, toolChoice }) => functions.length > 0 || toolChoice !== undefined);
  if (withTools.length === 0) return;
  const first = withTools[0]!;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const origin = t.origins.get(JSON.stringify(['providers', first.i, 'config', 'tools'])) ?? t.origins.get(JSON.stringify(['providers', first.i]));
  if (withTools.length !== providers.length || !withTools.every((p) => same(p.functions, first.functions) && same(p.toolChoice, first.toolChoice))) {
    if (origin) t.problem(origin, 'the providers declare different tools, which does not translate', 'llmlab declares tools on the prompt, for every provider: give all providers the same tools, or split the suite');
    return;
  }
  const tools = first.functions.length > 0 ? first.functions : undefined;
  const toolChoice = first.toolChoice;
  for (const { config } of withTools) {
    // What stays is a provider's own built-in tools (Gemini's googleSearch), which its config takes as written.
    const rest = (Array.isArray(config!.tools) ? (config!.tools as unknown[]) : []).filter((tool) => !isFunction(tool));
    if (rest.length > 0) config!.tools = rest;
    else delete config!.tools;
    delete config!.toolChoice;
  }
  suite.prompts = suite.prompts?.map((prompt, i) => {
    if (origin) t.map(['prompts', i, 'tools'], origin);
    const object = typeof prompt === 'string' ? { template: prompt } : prompt;
    return { ...object, ...(tools === undefined ? {} : { tools }), ...(toolChoice === undefined ? {} : { toolChoice }) } as typeof prompt;
  });
  if (origin) t.notice(origin, 'the providers\' `tools` are declared on every prompt (where llmlab declares them), in OpenAI\'s function format');
}

/** `evaluateOptions.delay` → each provider's `concurrency` and `rpm`, so calls are paced the same way. */
function applyDelay(t: Translator, suite: SuiteFile, delayMs: number, at: Here): void {
  const limits = delayLimits(delayMs);
  if (Object.keys(limits).length === 0) return;
  suite.providers = suite.providers?.map((p) => (typeof p === 'string' ? { id: p, config: limits } : { ...p, config: { ...limits, ...p.config } }));
  t.notice(at, `delay ${delayMs} ms is each provider's \`concurrency: 1, rpm: ${limits.rpm}\``);
}

/**
 * promptfoo grades with its default OpenAI models when a config names none; llmlab would use llmlab.config.yaml's
 * grader instead, so the default is written into the suite and announced.
 */
function setDefaultGraders(t: Translator, suite: SuiteFile, root: Here): void {
  const asserts = [...(suite.defaultTest?.assert ?? []), ...(Array.isArray(suite.tests) ? suite.tests.flatMap((test) => test.assert ?? []) : [])];
  const ungraded = asserts.filter((a) => a.grader === undefined && MODEL_GRADED.has(a.type.replace(/^not-/, '')));
  const needsText = ungraded.some((a) => !EMBEDDING_GRADED.has(a.type.replace(/^not-/, '')));
  const needsEmbedding = ungraded.some((a) => a.type.replace(/^not-/, '') === 'similar' || a.type.replace(/^not-/, '') === 'answer-relevance');
  if (needsText && suite.defaultTest?.grader === undefined) {
    suite.grader = PROMPTFOO_DEFAULT_GRADER;
    t.notice(root, `no grading provider set: model-graded assertions use promptfoo's default \`${PROMPTFOO_DEFAULT_GRADER}\` (\`llmlab plan\` shows its calls and cost)`);
  }
  if (needsEmbedding && suite.defaultTest?.embedder === undefined) {
    suite.embedder = PROMPTFOO_DEFAULT_EMBEDDER;
    t.notice(root, `no embedding provider set: \`similar\` and \`answer-relevance\` use promptfoo's default \`${PROMPTFOO_DEFAULT_EMBEDDER}\``);
  }
}

