/**
 * Assertions as written → Assertion: `not-` split off, the metric checked against the registry (with a
 * did-you-mean), and `value` validated by the metric's own options schema.
 */
import { LlmlabError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { isMetricType, loadMetricPlugin, metricTypes, parseAssertionType } from '../metrics/index.js';
import type { Assertion, MetricPlugin } from '../types.js';
import type { AssertionFile } from './types.js';
import { checkPluginOptions } from './check-value.js';
import { formatPath } from './describe-schema.js';
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
const WRITABLE_TYPES = [...metricTypes, ...metricTypes.map((type) => `not-${type}`)];

/** True for `icontains`, `not-icontains`, …: what a dataset's `__expected: type:value` may name. */
export function isAssertionType(written: string): boolean {
  return isMetricType(parseAssertionType(written).type);
}

export class AssertionResolver {
  private readonly plugins = new Map<string, Promise<MetricPlugin<any, any>>>();

  constructor(private readonly problems: ProblemList) {}

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
    if (!isMetricType(type)) {
      this.problems.add(
        new LlmlabError('UNKNOWN_METRIC', `unknown assertion type \`${written.type}\` in ${formatPath(path)}`, {
          where: site.locate([...path, 'type']),
          hint: suggestionHint(written.type, WRITABLE_TYPES, 'known types'),
        }),
      );
      return undefined;
    }
    let plugin = this.plugins.get(type);
    if (!plugin) {
      plugin = loadMetricPlugin(type);
      this.plugins.set(type, plugin);
    }
    const metric = await plugin;
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
    return {
      type,
      negate,
      ...(written.value === undefined ? {} : { value: written.value }),
      weight: written.weight ?? 1,
      ...(written.threshold === undefined ? {} : { threshold: written.threshold }),
      metric: written.metric ?? written.type,
      source: site.locate(path),
    };
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
