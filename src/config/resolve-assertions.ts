/**
 * Assertions as written → Assertion: `not-` split off, the metric checked against the registry (with a
 * did-you-mean), and `value` validated by the metric's own options schema. A type may also name a user metric
 * registered in llmlab.config.yaml. A `transform` is compiled here once, so a bad regex is a config error with
 * its position rather than an error in every cell.
 */
import { LlmlabError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { compileTransform, TransformStepError } from '../metrics/transform.js';
import { isMetricType, loadMetricPlugin, metricTypes, parseAssertionType } from '../metrics/index.js';
import { loadUserMetric } from '../metrics/user-metric.js';
import type { Assertion, MetricPlugin, TransformStep } from '../types.js';
import type { AssertionFile, ProjectConfig } from './types.js';
import { checkPluginOptions } from './check-value.js';
import { formatPath } from './describe-schema.js';
import { GraderSet, judgeOfAssertion, unusedJudgeProblem } from './resolve-graders.js';
import type { JudgeDefaults } from './resolve-graders.js';
import { suggestionHint } from './did-you-mean.js';
import type { Locate, ProblemList } from './problems.js';
import type { PathSegment } from './yaml-source.js';

/** Where a list of assertions sits: its path (from the root of `locate`'s file) and how to report problems. */
export interface AssertionSite {
  path: PathSegment[];
  locate: Locate;
  /** Code for schema problems of values (CONFIG_INVALID in a suite, DATASET_INVALID in a dataset row). */
  code: ErrorCode;
  /** Directory of the suite, for a metric's `prepare`. */
  baseDir: string;
}

/** Every assertion type a user may write, `not-` forms included, for suggestions. */
function writableTypes(userMetrics: Readonly<Record<string, string>>): string[] {
  const types = [...metricTypes, ...Object.keys(userMetrics)];
  return [...types, ...types.map((type) => `not-${type}`)];
}

/**
 * True for `icontains`, `not-icontains`, … (and the project's user metrics): what a dataset's
 * `__expected: type:value` may name.
 */
export function isAssertionType(written: string, userMetrics: Readonly<Record<string, string>> = {}): boolean {
  const { type } = parseAssertionType(written);
  return isMetricType(type) || Object.hasOwn(userMetrics, type);
}

/** What model-graded assertions resolve against: the suite's judge defaults and where its graders are kept. */
export interface JudgeSetup {
  defaults: JudgeDefaults;
  graders: GraderSet;
  project: Pick<ProjectConfig, 'timeoutMs' | 'maxRetries'>;
}

export class AssertionResolver {
  private readonly plugins = new Map<string, Promise<MetricPlugin<any, any>>>();
  private readonly writable: string[];

  /**
   * `userMetrics`: the project's registered metrics, name → absolute module path. `judges`: graders for
   * model-graded assertions; without it they need a `grader` of their own.
   */
  constructor(
    private readonly problems: ProblemList,
    private readonly userMetrics: Readonly<Record<string, string>> = {},
    private readonly judges: JudgeSetup = {
      defaults: { repeat: 1 },
      graders: new GraderSet(),
      project: { timeoutMs: 60_000, maxRetries: 4 },
    },
  ) {
    this.writable = writableTypes(userMetrics);
  }

  /** Resolves a list, recording problems; invalid assertions are left out. */
  async resolveAll(list: AssertionFile[] | undefined, site: AssertionSite): Promise<Assertion[]> {
    const out: Assertion[] = [];
    for (const [j, written] of (list ?? []).entries()) {
      const assertion = await this.resolve(written, [...site.path, j], site);
      if (assertion) out.push(assertion);
    }
    return out;
  }

  private async resolve(written: AssertionFile, path: PathSegment[], site: AssertionSite): Promise<Assertion | undefined> {
    const { type, negate } = parseAssertionType(written.type);
    const user = Object.hasOwn(this.userMetrics, type) ? this.userMetrics[type] : undefined;
    if (!isMetricType(type) && user === undefined) {
      this.problems.add(
        new LlmlabError('UNKNOWN_METRIC', `unknown assertion type \`${written.type}\` in ${formatPath(path)}`, {
          where: site.locate([...path, 'type']),
          hint: suggestionHint(written.type, this.writable, 'known types'),
        }),
      );
      return undefined;
    }
    let plugin = this.plugins.get(type);
    if (!plugin) {
      plugin = isMetricType(type) ? loadMetricPlugin(type) : loadUserMetric(type, user as string);
      this.plugins.set(type, plugin);
    }
    let metric: MetricPlugin<any, any>;
    try {
      metric = await plugin;
    } catch (error) {
      if (!(error instanceof LlmlabError)) throw error;
      this.problems.add(
        new LlmlabError(error.code, `assertion \`${written.type}\` in ${formatPath(path)}: ${error.message}`, {
          where: site.locate([...path, 'type']),
          hint: error.hint ?? `\`${type}\` is registered under \`metrics\` in llmlab.config.yaml`,
        }),
      );
      return undefined;
    }
    if (negate && metric.negatable === false) {
      this.problems.add(
        new LlmlabError('CONFIG_INVALID', `\`${written.type}\` in ${formatPath(path)}: \`${type}\` cannot be negated`, {
          where: site.locate([...path, 'type']),
          hint: `remove the \`not-\` prefix; \`${type}\` has no meaningful opposite`,
        }),
      );
      return undefined;
    }
    if (written.value === undefined) {
      if (!(await this.valueIsOptional(metric, written, path, site))) return undefined;
    } else if (metric.optionsSchema && !this.valueIsValid(metric.optionsSchema, written, type, path, site)) {
      return undefined;
    }
    const transform = this.transformOf(written, path, site);
    if (transform === null) return undefined;
    const judge = await this.judgeOf(metric, written, path, site);
    if (judge === null) return undefined;
    return {
      type,
      negate,
      ...(written.value === undefined ? {} : { value: written.value }),
      weight: written.weight ?? 1,
      ...(written.threshold === undefined ? {} : { threshold: written.threshold }),
      metric: written.metric ?? written.type,
      source: site.locate(path),
      ...(transform ? { transform } : {}),
      ...(judge ? { judge } : {}),
      ...(metric.needs?.logprobs ? { needs: { logprobs: true } } : {}),
    };
  }

  /** The judges of a model-graded assertion; null when they are missing or misplaced (recorded). */
  private async judgeOf(
    metric: MetricPlugin<any, any>,
    written: AssertionFile,
    path: PathSegment[],
    site: AssertionSite,
  ): Promise<Assertion['judge'] | null> {
    if (!metric.judge) {
      const problem = unusedJudgeProblem(written, path, site.locate);
      if (problem) this.problems.add(problem);
      return problem ? null : undefined;
    }
    const { defaults, graders, project } = this.judges;
    const context = { source: { locate: site.locate }, problems: this.problems, project };
    return (await judgeOfAssertion(metric.judge, written, path, defaults, graders, context)) ?? null;
  }

  /** The steps as a list, compiled once to catch bad regexes; null when a step is invalid (recorded). */
  private transformOf(written: AssertionFile, path: PathSegment[], site: AssertionSite): TransformStep[] | null | undefined {
    if (written.transform === undefined) return undefined;
    const listed = Array.isArray(written.transform);
    const steps = listed ? (written.transform as TransformStep[]) : [written.transform as TransformStep];
    try {
      compileTransform(steps);
      return steps;
    } catch (error) {
      if (!(error instanceof TransformStepError)) throw error;
      // A single step written without the list has no index in the YAML.
      const inner = listed ? error.path : error.path.slice(1);
      const at = [...path, 'transform', ...inner];
      this.problems.add(
        new LlmlabError(site.code, `transform step ${formatPath(at)} (assertion \`${written.type}\`): ${error.message}`, {
          where: site.locate(at),
          ...(error.hint === undefined ? {} : { hint: error.hint }),
        }),
      );
      return null;
    }
  }

  /**
   * JSON Schema cannot say whether a value may be left out, but a metric's `prepare` can: it throws for a value
   * it needs. Asking it here (only for a missing value, which is cheap to reject) puts the assertion's position
   * on the error instead of failing every cell at run time.
   */
  private async valueIsOptional(
    metric: MetricPlugin<any, any>,
    written: AssertionFile,
    path: PathSegment[],
    site: AssertionSite,
  ): Promise<boolean> {
    if (!metric.prepare) return true;
    try {
      await metric.prepare(undefined, { baseDir: site.baseDir });
      return true;
    } catch (error) {
      if (!(error instanceof LlmlabError)) return true;
      this.problems.add(
        new LlmlabError('CONFIG_INVALID', `assertion \`${written.type}\` in ${formatPath(path)} needs a \`value\``, {
          where: site.locate(path),
          hint: error.hint ?? error.message,
        }),
      );
      return false;
    }
  }

  private valueIsValid(
    schema: Record<string, unknown>,
    written: AssertionFile,
    type: string,
    path: PathSegment[],
    site: AssertionSite,
  ): boolean {
    const problems = checkPluginOptions(`metric:${type}`, schema, written.value, {
      prefix: [...path, 'value'],
      suffix: ` (assertion \`${written.type}\`)`,
    });
    this.problems.addProblems(problems, site.code, site.locate);
    return problems.length === 0;
  }
}
