/**
 * Grading: runs a test's assertions on one output. Applies what is common to every metric — `not-`, weight,
 * threshold — so each metric file only says whether an output passes. Each distinct assertion is prepared
 * (regex compiled, module loaded, transform compiled) once per run, not once per cell. An assertion's
 * `transform` turns the output into what its metric sees; the cell keeps the raw output.
 */
import { LlmlabError, messageOf } from '../errors.js';
import { isMetricType, loadMetricPlugin } from '../metrics/index.js';
import { loadUserMetric } from '../metrics/user-metric.js';
import type { Assertion, AssertionResult, CompareInput, GenerateResult, MediaRef, MetricPlugin, MetricScore, TestCase, ToolDefinition } from '../types.js';
import type { JudgeSession } from './judge.js';
import { compileTransform, loadTransformModules, showText } from '../metrics/transform.js';
import type { Transform } from '../metrics/transform.js';

/** What a metric needs besides the assertion. */
export interface GradeInput {
  output: string;
  test: TestCase;
  prompt: string;
  result: GenerateResult;
  providerId: string;
  /** The tools the cell's prompt declared (for `is-valid-openai-tools-call`). */
  tools?: ToolDefinition[];
  /** The media of the cell's rendered prompt, for vision graders (MetricInput.promptMedia). */
  promptMedia?: MediaRef[];
  /** Opens a judge session for a model-graded assertion (the executor's judges, bound to this cell). */
  judges?: (assertion: Assertion) => JudgeSession | undefined;
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
  transform?: Transform;
}

/** Options of {@link createGrader}. */
export interface GraderOptions {
  /** User metrics registered in llmlab.config.yaml: name → absolute module path. */
  metrics?: Readonly<Record<string, string>>;
}

/**
 * Creates a grader bound to a suite's base directory (and its project's user metrics); it caches prepared
 * assertions for the run.
 */
export function createGrader(baseDir: string, options: GraderOptions = {}) {
  const userMetrics = options.metrics ?? {};
  const byValue = new Map<string, Promise<Prepared>>();
  // Per assertion object: grading a cell then costs no JSON.stringify of its value, and no await once ready.
  const pending = new WeakMap<Assertion, Promise<Prepared>>();
  const ready = new WeakMap<Assertion, Prepared>();
  // What each metric with a `corpus` hook computed over the whole suite (cider-d's document frequencies), by
  // assertion type: a user metric's plugin object is rebuilt per load, its type is not.
  const corpora = new Map<string, unknown>();

  function prepare(assertion: Assertion): Promise<Prepared> {
    let entry = pending.get(assertion);
    if (entry) return entry;
    const key = `${assertion.type}\u0000${JSON.stringify(assertion.value) ?? ''}\u0000${JSON.stringify(assertion.transform) ?? ''}`;
    entry = byValue.get(key);
    if (!entry) {
      entry = (async () => {
        const plugin = await pluginOf(assertion);
        try {
          const value = plugin.prepare ? await plugin.prepare(assertion.value, { baseDir }) : assertion.value;
          const steps = assertion.transform;
          const transform = steps?.length ? compileTransform(steps, await loadTransformModules(steps, baseDir)) : undefined;
          return transform ? { plugin, value, transform } : { plugin, value };
        } catch (error) {
          throw located(error, assertion);
        }
      })();
      byValue.set(key, entry);
    }
    pending.set(assertion, entry);
    void entry.then((p) => ready.set(assertion, p), () => undefined);
    return entry;
  }

  async function pluginOf(assertion: Assertion): Promise<MetricPlugin<unknown, unknown>> {
    if (isMetricType(assertion.type)) return (await loadMetricPlugin(assertion.type)) as MetricPlugin<unknown, unknown>;
    const module = Object.hasOwn(userMetrics, assertion.type) ? userMetrics[assertion.type] : undefined;
    if (module !== undefined) {
      try {
        return await loadUserMetric(assertion.type, module);
      } catch (error) {
        throw located(error, assertion);
      }
    }
    throw new LlmlabError('UNKNOWN_METRIC', `unknown assertion type \`${assertion.type}\``);
  }

  function judge(assertion: Assertion, raw: MetricScore, note?: string): AssertionResult {
    let score = finite(raw.score ?? (raw.pass ? 1 : 0));
    let pass = assertion.threshold === undefined ? raw.pass : score >= assertion.threshold;
    if (assertion.negate) {
      score = 1 - score;
      pass = assertion.threshold === undefined ? !raw.pass : score >= assertion.threshold;
    }
    let reason = raw.reason && assertion.negate ? `${pass ? 'passes' : 'fails'} not-: ${raw.reason}` : raw.reason;
    if (note) reason = `${note}${reason ?? (pass ? 'passed' : 'failed')}`;
    return { type: written(assertion), metric: assertion.metric, weight: assertion.weight, pass, score, reason };
  }

  function failed(assertion: Assertion, error: unknown): AssertionResult {
    const base = { type: written(assertion), metric: assertion.metric, weight: assertion.weight };
    return { ...base, pass: false, score: 0, error: messageOf(error) };
  }

  /** Synchronous when the assertion is prepared and its metric answers synchronously (the common case). */
  function gradeOne(assertion: Assertion, input: GradeInput): AssertionResult | Promise<AssertionResult> {
    const prepared = ready.get(assertion);
    if (!prepared) return prepare(assertion).then(() => gradeOne(assertion, input), (e: unknown) => failed(assertion, e));
    // Comparative metrics grade every output of the test at once, after this (src/engine/compare.ts).
    if (prepared.plugin.compare) return { ...identity(assertion), pass: false, score: 0, reason: COMPARE_PENDING };
    if (!prepared.transform) return scoreOutput(assertion, prepared, input, input.output, undefined);
    let outcome: ReturnType<Transform>;
    try {
      outcome = prepared.transform(input.output, { vars: input.test.vars, prompt: input.prompt });
    } catch (error) {
      // A JavaScript step that threw: the text the metric should see is unknown, so the cell is an error.
      return failed(assertion, error);
    }
    // Nothing to extract: the assertion fails whatever its metric or `not-`; a `fallback` hands the metric a value.
    if (!outcome.ok) return { ...identity(assertion), pass: false, score: 0, reason: outcome.reason };
    const note = outcome.text !== input.output ? `after transform: ${showText(outcome.text)} — ` : undefined;
    // What the metric saw is kept for maj@k, which votes over repeats' extracted answers.
    const extracted = clip(outcome.text);
    const result = scoreOutput(assertion, prepared, input, outcome.text, note);
    return result instanceof Promise ? result.then((r) => ({ ...r, extracted })) : { ...result, extracted };
  }

  function scoreOutput(
    assertion: Assertion,
    prepared: Prepared,
    input: GradeInput,
    output: string,
    note: string | undefined,
  ): AssertionResult | Promise<AssertionResult> {
    if (prepared.plugin.judge) return gradeByModel(assertion, prepared, input, output, note);
    try {
      const raw = prepared.plugin.score({ ...input, output, vars: input.test.vars, value: prepared.value, ...corpusOf(assertion) });
      if (raw instanceof Promise) return raw.then((r) => judge(assertion, r, note), (e: unknown) => failed(assertion, e));
      return judge(assertion, raw, note);
    } catch (error) {
      return failed(assertion, error);
    }
  }

  /** A model-graded metric gets a judge; its result carries what the judge calls cost and each round's verdict. */
  async function gradeByModel(
    assertion: Assertion,
    prepared: Prepared,
    input: GradeInput,
    output: string,
    note: string | undefined,
  ): Promise<AssertionResult> {
    const session = input.judges?.(assertion);
    let result: AssertionResult;
    try {
      const { judges: _judges, ...rest } = input;
      const raw = await prepared.plugin.score({
        ...rest,
        output,
        vars: input.test.vars,
        value: prepared.value,
        ...corpusOf(assertion),
        ...(session ? { judge: session.judge } : {}),
      });
      result = judge(assertion, raw, note);
      if (raw.judgeVerdicts) result.judgeVerdicts = raw.judgeVerdicts;
    } catch (error) {
      result = failed(assertion, error);
    }
    if (session) result.cost = session.cost();
    return result;
  }

  function corpusOf(assertion: Assertion): { corpus?: unknown } {
    return corpora.has(assertion.type) ? { corpus: corpora.get(assertion.type) } : {};
  }

  return {
    /**
     * Preloads every assertion of the suite so that config mistakes surface before any model call, then runs
     * each `corpus` hook once over its metric's values in every test (so a filtered or sharded run keeps the
     * suite's corpus).
     */
    async prepareAll(tests: Iterable<TestCase>): Promise<void> {
      const assertions = [...tests].flatMap((test) => test.assert);
      const all = await Promise.all(assertions.map(prepare));
      const values = new Map<string, { plugin: MetricPlugin<unknown, unknown>; list: unknown[] }>();
      all.forEach(({ plugin, value }, i) => {
        if (!plugin.corpus) return;
        const type = (assertions[i] as Assertion).type;
        const entry = values.get(type);
        if (entry) entry.list.push(value);
        else values.set(type, { plugin, list: [value] });
      });
      for (const [type, { plugin, list }] of values) corpora.set(type, await plugin.corpus!(list));
    },

    async grade(input: GradeInput): Promise<Verdict> {
      const assertions = input.test.assert;
      if (assertions.length === 0) return { pass: true, score: 1, assertions: [] };
      const graded = assertions.map((a) => gradeOne(a, input));
      const results = graded.some((r) => r instanceof Promise) ? await Promise.all(graded) : (graded as AssertionResult[]);
      return verdictOf(results);
    },

    /**
     * Grades a comparative assertion once for a group of outputs of one test: one result per output, in order.
     * A metric that throws gives every output the error; the judge's cost is shared out among the outputs.
     */
    async compare(assertion: Assertion, input: Omit<CompareInput, 'value' | 'judge'>, session?: JudgeSession): Promise<AssertionResult[]> {
      let results: AssertionResult[];
      try {
        const { plugin, value } = await prepare(assertion);
        const raw = await plugin.compare!({ ...input, value, ...(session ? { judge: session.judge } : {}) });
        results = raw.map((r) => judge(assertion, r));
      } catch (error) {
        results = input.outputs.map(() => failed(assertion, error));
      }
      const cost = session?.cost();
      if (cost !== undefined) for (const r of results) r.cost = cost / results.length;
      return results;
    },
  };
}

/** The reason a comparative assertion carries until its group is graded. */
const COMPARE_PENDING = 'graded once every output of the test is in';

/** A test's verdict from its assertions' results: every one passes (weight 0 aside); the first error wins. */
export function verdictOf(results: AssertionResult[]): Verdict {
  const failure = results.find((r) => r.error !== undefined);
  let weightSum = 0;
  let weighted = 0;
  for (const r of results) {
    weightSum += r.weight;
    weighted += r.weight * r.score;
  }
  // Weight 0 marks an informational assertion: reported, but not part of the verdict.
  const pass = results.every((r) => r.pass || r.weight === 0);
  const score = weightSum > 0 ? weighted / weightSum : pass ? 1 : 0;
  return failure
    ? { pass: false, score, assertions: results, error: `assertion ${failure.type} failed: ${failure.error}` }
    : { pass, score, assertions: results };
}

function identity(assertion: Assertion): Pick<AssertionResult, 'type' | 'metric' | 'weight'> {
  return { type: written(assertion), metric: assertion.metric, weight: assertion.weight };
}

function written(assertion: Assertion): string {
  return assertion.negate ? `not-${assertion.type}` : assertion.type;
}

export type Grader = ReturnType<typeof createGrader>;

/** A metric's prepare knows what is wrong but not where: add the assertion's position. */
function located(error: unknown, assertion: Assertion): unknown {
  if (!(error instanceof LlmlabError) || error.where || !assertion.source) return error;
  return new LlmlabError(error.code, `assertion \`${written(assertion)}\`: ${error.message}`, {
    where: assertion.source,
    hint: error.hint,
    cause: error,
  });
}

/** Longest `extracted` kept on a result: enough for any benchmark answer, small enough for every cell row. */
const EXTRACTED_MAX = 200;

function clip(text: string): string {
  return text.length > EXTRACTED_MAX ? `${text.slice(0, EXTRACTED_MAX)}…` : text;
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
