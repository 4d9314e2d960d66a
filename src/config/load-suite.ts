/**
 * Loads a suite file: parse (positions kept; a promptfoo config is translated first, see suite-source.ts) →
 * validate against schemas/suite.schema.json → resolve providers, prompts and tests (reading every referenced
 * file) → ResolvedSuite. Problems are collected and thrown together.
 */
import { dirname, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { mediaDirFor } from '../media/media-dir.js';
import type { Severity, TestCase } from '../types.js';
import type { Gates, ProjectConfig, ResolvedSuite, SuiteFile } from './types.js';
import { addSource } from './context.js';
import type { ResolveContext } from './context.js';
import { checkBuiltIn } from './check-value.js';
import { ProblemList } from './problems.js';
import { resolveBudget, resolvePrices } from './resolve-budget.js';
import { resolveDerivedMetrics } from './resolve-derived-metrics.js';
import { capabilityNotices } from './capability-notices.js';
import { resolvePrompts } from './resolve-prompts.js';
import { GraderSet, resolveJudgeDefaults } from './resolve-graders.js';
import { resolveFinetunes } from './resolve-finetunes.js';
import { resolveForgetting } from './resolve-forgetting.js';
import { resolveProviders } from './resolve-providers.js';
import { resolveTests } from './resolve-tests.js';
import { checkCodeExecution } from './load-benchmark.js';
import { suiteHash } from './suite-hash.js';
import { readSuiteSource, translationNotices } from './suite-source.js';
import type { ReadSuiteOptions } from './suite-source.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Loads, validates and resolves the suite at `path`. Throws an LlmlabError (LlmlabErrors when several
 * problems were found) for anything the user can fix: YAML syntax, schema, unknown provider or assertion types,
 * provider or metric options, missing files, malformed datasets, duplicate ids.
 *
 * Resolution reads no environment variables, so a suite resolves (and hashes) the same on every machine;
 * providers read theirs when they are created.
 */
export async function loadSuite(path: string, project: ProjectConfig, options: LoadSuiteOptions = {}): Promise<ResolvedSuite> {
  const file = resolve(path);
  const problems = new ProblemList();
  const read = await readSuiteSource(file, problems, options);
  const { source } = read;
  const suite = checkShape(source, problems);
  if (options.forgetting && suite.finetunes) {
    throw new LlmlabError('CONFIG_INVALID', `forgetting suite ${file} has fine-tune recipes of its own`, {
      where: source.locate(['finetunes']),
      hint: 'a forgetting suite is a plain suite of prompts and tests (e.g. a GSM8K or MMLU sample)',
    });
  }
  const context: ResolveContext = {
    file,
    baseDir: dirname(file),
    source,
    problems,
    metrics: project.metrics ?? {},
    sources: [file, ...(read.translation?.sources ?? [])],
    mediaDir: mediaDirFor(project.db),
    ...(suite.media?.maxEdge === undefined ? {} : { mediaMaxEdge: suite.media.maxEdge }),
  };
  const tuning = suite.finetunes !== undefined || (suite.providers ?? []).some(isTuned);
  const plain = await resolveProviders(suite.providers ?? [], project, context);
  const { finetunes, providers } = tuning ? await resolveFinetunes(suite, plain, context) : { finetunes: [], providers: plain };
  const prompts = await resolvePrompts(suite.prompts ?? [], context);
  const graders = new GraderSet();
  const defaults = await resolveJudgeDefaults(suite, project, { ...context, project });
  const tests = await resolveTests(suite, context, { defaults, graders, project });
  // Loaded only for a suite with attacks: the attack library and families are not every suite's startup cost.
  const security =
    suite.attacks === undefined && suite.target === undefined
      ? undefined
      : await (await import('./resolve-attacks.js')).resolveSecurity(suite, providers, project, context, { defaults, graders, project });
  const everyTest = security ? [...tests, ...security.tests] : tests;
  checkCodeExecution(suite, everyTest.some((t) => t.assert.some((a) => a.type === 'code-exec')), project, context);
  const budget = resolveBudget(suite.budget, providers, Object.values(graders.byKey), context, project.budget);
  const derivedMetrics = resolveDerivedMetrics(suite.derivedMetrics, everyTest, context);
  context.problems.throwIfAny();
  const forgetting = finetunes.some((f) => f.forgetting.length > 0)
    ? await resolveForgetting(finetunes, providers, (p) => loadSuite(p, project, { forgetting: true }), context)
    : undefined;
  // Graders are keyed by their spec's hash, so a forgetting suite's and this suite's merge without clashing.
  const allGraders = { ...forgetting?.graders, ...graders.byKey };
  const { prices, unpriced } = resolvePrices(suite, project, [...providers, ...Object.values(allGraders)]);
  const metrics = { ...forgetting?.metrics, ...usedMetrics(everyTest, context.metrics) };
  for (const module of Object.values(metrics)) addSource(context, module);
  const repeat = suite.repeat ?? 1;
  const notices = [...translationNotices(read), ...(await capabilityNotices(providers, everyTest, context.source.locate))];
  return {
    path: file,
    baseDir: context.baseDir,
    ...(suite.description === undefined ? {} : { description: suite.description }),
    providers,
    prompts,
    tests,
    repeat,
    gates: resolveGates(suite.gates, security ? (suite.severityThreshold ?? 'low') : undefined),
    ...(Object.keys(metrics).length === 0 ? {} : { metrics }),
    ...(Object.keys(allGraders).length === 0 ? {} : { graders: allGraders }),
    prices,
    ...(unpriced.length === 0 ? {} : { unpriced }),
    ...(budget ? { budget } : {}),
    ...(derivedMetrics ? { derivedMetrics } : {}),
    ...(suite.media?.maxEdge === undefined ? {} : { mediaMaxEdge: suite.media.maxEdge }),
    ...(security ? { security } : {}),
    ...(finetunes.length > 0 ? { finetunes } : {}),
    ...(forgetting && forgetting.sections.length > 0 ? { forgetting: forgetting.sections } : {}),
    sources: context.sources,
    ...(notices.length === 0 ? {} : { notices }),
    ...(read.translation && Object.keys(read.translation.settings).length > 0 ? { runSettings: read.translation.settings } : {}),
    // A forgetting section changes the run as much as the suite's own prompts and tests do.
    hash: suiteHash({
      providers,
      prompts: [...prompts, ...(forgetting?.sections.flatMap((s) => s.prompts) ?? [])],
      tests: [...everyTest, ...(forgetting?.sections.flatMap((s) => s.tests) ?? [])],
      repeat,
    }),
  };
}

/** Options of {@link loadSuite}. */
export interface LoadSuiteOptions extends ReadSuiteOptions {
  /** Loading a recipe's forgetting suite: one with recipes of its own is refused (it would recurse). */
  forgetting?: boolean;
}

function isTuned(entry: NonNullable<SuiteFile['providers']>[number]): boolean {
  return (typeof entry === 'string' ? entry : entry.id).startsWith('finetune:');
}

/**
 * The gates as written, without keys set to nothing; `requireSignificance` stays unset (it defaults at check
 * time). A suite with attacks gates them at its `severityThreshold`.
 */
function resolveGates(gates: SuiteFile['gates'], severityThreshold: Severity | undefined): Gates {
  const written = Object.fromEntries(Object.entries(gates ?? {}).filter(([, value]) => value !== undefined)) as Gates;
  return severityThreshold ? { ...written, severityThreshold } : written;
}

/** The user metrics the suite's assertions name: what the grader needs, and files watch mode should follow. */
function usedMetrics(tests: TestCase[], registered: Readonly<Record<string, string>>): Record<string, string> {
  const used: Record<string, string> = {};
  for (const test of tests) {
    for (const { type } of test.assert) {
      const module = Object.hasOwn(registered, type) ? registered[type] : undefined;
      if (module !== undefined) used[type] = module;
    }
  }
  return used;
}

/**
 * `providers`, `prompts` and `tests` are required unless the suite only attacks a `target`, and `tests` may
 * also come from a benchmark `dataset` (the schema alone cannot say "one of").
 */
function missingKeys(source: YamlSource, problems: ProblemList): void {
  const value = source.value as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  // A suite with `target` or `attacks` (the other one missing is said by the security resolver) needs no tests.
  const attacksOnly = ('attacks' in value || 'target' in value) && !('tests' in value) && !('dataset' in value);
  const missing = (key: string, hint: string) =>
    problems.add(new LlmlabError('CONFIG_INVALID', `${key} is required`, { where: source.locate([]), hint }));
  if (!('providers' in value) && !('target' in value)) {
    missing('providers', 'Models to evaluate: a provider id such as `openai:gpt-4o-mini`, or an object with `id`, `label` and `config`.');
  }
  if (attacksOnly) return;
  if (!('prompts' in value)) missing('prompts', 'Prompts to evaluate: a nunjucks template string, a `file:` reference, or an object with `template`, `messages` or `file`.');
  if (!('tests' in value) && !('dataset' in value)) {
    missing(
      'tests',
      'Test cases: an inline list, or `file:<path or glob>` naming JSONL, JSON, YAML or CSV files relative to this suite (or `dataset:` for a benchmark, or `target` + `attacks` for security testing).',
    );
  }
}

/** Validates the suite's structure; everything after this may trust the SuiteFile type. */
function checkShape(source: YamlSource, problems: ProblemList): SuiteFile {
  if (source.value === null) {
    throw new LlmlabError('CONFIG_INVALID', 'the suite file is empty', {
      where: { file: source.file, line: 1, col: 1 },
      hint: 'a suite needs `providers`, `prompts` and `tests`; see suites/quickstart.yaml',
    });
  }
  const found = checkBuiltIn('suite', source.value, { subject: 'the suite file' });
  problems.addProblems(found, 'CONFIG_INVALID', source.locate);
  missingKeys(source, problems);
  problems.throwIfAny();
  return source.value as SuiteFile;
}
