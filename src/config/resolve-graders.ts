/**
 * Graders and embedders of model-graded assertions. Each is a provider entry (`openai:gpt-4o-mini` or
 * `{ id, label, config }`) resolved like a `providers:` item. Precedence: an assertion's `grader` (which also
 * serves its embeddings) > `defaultTest` > the suite > llmlab.config.yaml; `graderRepeat` likewise assertion >
 * suite. Every distinct spec in use gets one key, so a run creates one instance of it however many assertions
 * share it.
 */
import { createHash } from 'node:crypto';
import { LlmlabError } from '../errors.js';
import type { AssertionJudge, MetricJudgeUse } from '../types.js';
import type { ProjectConfig, ProviderFile, ResolvedProvider, SuiteFile } from './types.js';
import type { Locate, ProblemList } from './problems.js';
import { resolveProviderEntry } from './resolve-providers.js';
import { canonicalJson } from './suite-hash.js';
import type { PathSegment } from './yaml-source.js';

/** Where a provider entry is resolved: positions for its problems, and the limits it inherits. */
export interface GraderContext {
  source: { locate: Locate };
  problems: ProblemList;
  project: Pick<ProjectConfig, 'timeoutMs' | 'maxRetries'>;
}

/** What applies to an assertion that names no grader of its own. */
export interface JudgeDefaults {
  grader?: ResolvedProvider;
  embedder?: ResolvedProvider;
  /** `graderRepeat` of the suite; default 1. */
  repeat: number;
}

/** The graders a suite's assertions use, by key. */
export class GraderSet {
  readonly byKey: Record<string, ResolvedProvider> = {};

  /** The key of `provider`'s spec (id and config), registering it on first use. */
  add(provider: ResolvedProvider): string {
    const hash = createHash('sha256').update(canonicalJson({ id: provider.id, config: provider.config })).digest('hex');
    const key = `${provider.id}#${hash.slice(0, 8)}`;
    this.byKey[key] ??= provider;
    return key;
  }

  get size(): number {
    return Object.keys(this.byKey).length;
  }
}

/** Resolves one `grader:`/`embedder:` entry written at `path`; undefined (with a recorded problem) when invalid. */
export function resolveGrader(
  entry: ProviderFile | undefined,
  path: PathSegment[],
  context: GraderContext,
): Promise<ResolvedProvider | undefined> {
  if (entry === undefined) return Promise.resolve(undefined);
  return resolveProviderEntry(entry, path, context.project, context);
}

/** The suite-wide judge settings: `defaultTest` over the suite over the project. */
export async function resolveJudgeDefaults(
  suite: SuiteFile,
  project: ProjectConfig,
  context: GraderContext,
): Promise<JudgeDefaults> {
  const defaults = suite.defaultTest ?? {};
  const [suiteGrader, suiteEmbedder, testGrader, testEmbedder] = await Promise.all([
    resolveGrader(suite.grader, ['grader'], context),
    resolveGrader(suite.embedder, ['embedder'], context),
    resolveGrader(defaults.grader, ['defaultTest', 'grader'], context),
    resolveGrader(defaults.embedder, ['defaultTest', 'embedder'], context),
  ]);
  const grader = testGrader ?? suiteGrader ?? project.grader;
  const embedder = testEmbedder ?? suiteEmbedder ?? project.embedder;
  return {
    ...(grader ? { grader } : {}),
    ...(embedder ? { embedder } : {}),
    repeat: suite.graderRepeat ?? 1,
  };
}

/** An assertion as far as its judges go. */
export interface JudgedAssertion {
  /** The type as written. */
  type: string;
  grader?: ProviderFile;
  graderRepeat?: number;
}

/**
 * The judges of one model-graded assertion at `path`, registered in `graders`. Records a CONFIG_INVALID problem
 * at the assertion, with the YAML to add, and gives undefined when a grader or embedder it needs is missing.
 */
export async function judgeOfAssertion(
  use: MetricJudgeUse,
  written: JudgedAssertion,
  path: PathSegment[],
  defaults: JudgeDefaults,
  graders: GraderSet,
  context: GraderContext,
): Promise<AssertionJudge | undefined> {
  const own = await resolveGrader(written.grader, [...path, 'grader'], context);
  if (written.grader !== undefined && !own) return undefined;
  const needsGrader = (use.generate ?? 0) > 0;
  const needsEmbedder = (use.embed ?? 0) > 0;
  const grader = own ?? defaults.grader;
  const embedder = own ?? defaults.embedder;
  const missing = [needsGrader && !grader ? 'grader' : '', needsEmbedder && !embedder ? 'embedder' : ''].filter(Boolean);
  if (missing.length > 0) {
    context.problems.add(missingJudge(written.type, missing, context.source.locate(path)));
    return undefined;
  }
  const repeat = use.repeats === false ? 1 : (written.graderRepeat ?? defaults.repeat);
  const calls = ((use.generate ?? 0) + (use.embed ?? 0)) * repeat;
  return {
    ...(needsGrader && grader ? { grader: graders.add(grader) } : {}),
    ...(needsEmbedder && embedder ? { embedder: graders.add(embedder) } : {}),
    repeat,
    calls,
    ...(use.perGroup ? { perGroup: true } : {}),
  };
}

/** `grader:` or `graderRepeat:` on a metric that calls no model: a mistake worth saying at load time. */
export function unusedJudgeProblem(written: JudgedAssertion, path: PathSegment[], locate: Locate): LlmlabError | undefined {
  const key = written.grader !== undefined ? 'grader' : written.graderRepeat !== undefined ? 'graderRepeat' : undefined;
  if (key === undefined) return undefined;
  return new LlmlabError('CONFIG_INVALID', `\`${key}\` on assertion \`${written.type}\`, which calls no model`, {
    where: locate([...path, key], { key: true }),
    hint: `\`${key}\` applies to model-graded metrics (llm-rubric, factuality, g-eval, context-*, select-best, ...): remove it`,
  });
}

function missingJudge(type: string, missing: string[], where: ReturnType<Locate>): LlmlabError {
  const example = (key: string) => (key === 'grader' ? 'grader: openai:gpt-4o-mini' : 'embedder: openai:text-embedding-3-small');
  const what = `${missing[0] === 'embedder' ? 'an' : 'a'} ${missing.join(' and ')}`;
  const hint =
    `add ${missing.map((key) => `\`${example(key)}\``).join(' and ')} at the top of the suite (or in llmlab.config.yaml` +
    ` for every suite), or \`grader: ...\` on this assertion; offline: \`${missing.map((key) => `${key}: mock`).join(', ')}\``;
  return new LlmlabError('CONFIG_INVALID', `assertion \`${type}\` needs ${what}, and none is configured`, { where, hint });
}
