/**
 * Grading: runs a test's assertions on one output. Applies what is common to every metric — `not-`, weight,
 * threshold — so each metric file only says whether an output passes. Each distinct assertion is prepared
 * (regex compiled, module loaded) once per run, not once per cell.
 */
import { LlmlabError, messageOf } from '../errors.js';
import { isMetricType, loadMetricPlugin } from '../metrics/index.js';
import type { Assertion, AssertionResult, GenerateResult, MetricPlugin, TestCase } from '../types.js';

/** What a metric needs besides the assertion. */
export interface GradeInput {
  output: string;
  test: TestCase;
  prompt: string;
  result: GenerateResult;
  providerId: string;
}

/** A test's verdict on one output. */
export interface Verdict {
  pass: boolean;
  score: number;
  assertions: AssertionResult[];
  /** Set when an assertion threw: the cell is an error, not a failure. */
  error?: string;
}

interface Prepared {
  plugin: MetricPlugin<unknown, unknown>;
  value: unknown;
}

/** Creates a grader bound to a suite's base directory; it caches prepared assertions for the run. */
export function createGrader(baseDir: string) {
  const prepared = new Map<string, Promise<Prepared>>();

  function prepare(assertion: Assertion): Promise<Prepared> {
    const key = `${assertion.type}\u0000${JSON.stringify(assertion.value) ?? ''}`;
    let entry = prepared.get(key);
    if (!entry) {
      entry = (async () => {
        if (!isMetricType(assertion.type)) {
          throw new LlmlabError('UNKNOWN_METRIC', `unknown assertion type \`${assertion.type}\``);
        }
        const plugin = (await loadMetricPlugin(assertion.type)) as MetricPlugin<unknown, unknown>;
        try {
          const value = plugin.prepare ? await plugin.prepare(assertion.value, { baseDir }) : assertion.value;
          return { plugin, value };
        } catch (error) {
          throw located(error, assertion);
        }
      })();
      prepared.set(key, entry);
    }
    return entry;
  }

  async function gradeOne(assertion: Assertion, input: GradeInput): Promise<AssertionResult> {
    const written = assertion.negate ? `not-${assertion.type}` : assertion.type;
    const base = { type: written, metric: assertion.metric, weight: assertion.weight };
    try {
      const { plugin, value } = await prepare(assertion);
      const raw = await plugin.score({ ...input, vars: input.test.vars, value });
      let score = finite(raw.score ?? (raw.pass ? 1 : 0));
      let pass = assertion.threshold === undefined ? raw.pass : score >= assertion.threshold;
      if (assertion.negate) {
        score = 1 - score;
        pass = assertion.threshold === undefined ? !raw.pass : score >= assertion.threshold;
      }
      const reason = raw.reason && assertion.negate ? `${pass ? 'passes' : 'fails'} not-: ${raw.reason}` : raw.reason;
      return { ...base, pass, score, reason };
    } catch (error) {
      return { ...base, pass: false, score: 0, error: messageOf(error) };
    }
  }

  return {
    /** Preloads every assertion of the suite so that config mistakes surface before any model call. */
    async prepareAll(tests: Iterable<TestCase>): Promise<void> {
      const pending: Promise<Prepared>[] = [];
      for (const test of tests) for (const a of test.assert) pending.push(prepare(a));
      await Promise.all(pending);
    },

    async grade(input: GradeInput): Promise<Verdict> {
      const assertions = input.test.assert;
      if (assertions.length === 0) return { pass: true, score: 1, assertions: [] };
      const results = await Promise.all(assertions.map((a) => gradeOne(a, input)));
      const failed = results.find((r) => r.error !== undefined);
      let weightSum = 0;
      let weighted = 0;
      for (const r of results) {
        weightSum += r.weight;
        weighted += r.weight * r.score;
      }
      // Weight 0 marks an informational assertion: reported, but not part of the verdict.
      const pass = results.every((r) => r.pass || r.weight === 0);
      const score = weightSum > 0 ? weighted / weightSum : pass ? 1 : 0;
      return failed
        ? { pass: false, score, assertions: results, error: `assertion ${failed.type} failed: ${failed.error}` }
        : { pass, score, assertions: results };
    },
  };
}

export type Grader = ReturnType<typeof createGrader>;

/** A metric's prepare knows what is wrong but not where: add the assertion's position. */
function located(error: unknown, assertion: Assertion): unknown {
  if (!(error instanceof LlmlabError) || error.where || !assertion.source) return error;
  const written = assertion.negate ? `not-${assertion.type}` : assertion.type;
  return new LlmlabError(error.code, `assertion \`${written}\`: ${error.message}`, {
    where: assertion.source,
    hint: error.hint,
    cause: error,
  });
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
