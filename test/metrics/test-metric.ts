/**
 * The metric contract test and the small harness every metric test uses: prepare the way the grader does,
 * then score one output. `testMetric` is what a built-in (or a user's plugin) must satisfy.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import type { MetricType } from '../../src/metrics/index.js';
import type { GenerateResult, Judge, MediaRef, MetricPlugin, MetricScore, TestCase, ToolDefinition } from '../../src/types.js';

/** Where metric fixtures live; `file:` values in tests resolve from here. */
export const fixturesDir = fileURLToPath(new URL('../fixtures/metrics/', import.meta.url));

export interface MetricRun {
  vars?: Record<string, unknown>;
  baseDir?: string;
  prompt?: string;
  /** What the call returned besides the output (latency, cost, finish reason). */
  result?: Omit<GenerateResult, 'output'>;
  /** For model-graded metrics: the judge the engine would hand them. */
  judge?: Judge;
  /** The tools the cell's prompt declared. */
  tools?: ToolDefinition[];
  /**
   * Metrics with a `corpus` hook: the values of the suite's other assertions of this metric; with them the
   * hook runs as a run does (this value first). Without, the hook is not called (as outside a run).
   */
  corpus?: unknown[];
  /** The media of the cell's rendered prompt (for vision judges). */
  promptMedia?: MediaRef[];
}

/** Prepares `value` once and returns a scorer for outputs, as the grader does for one assertion. */
export async function prepareMetric(
  plugin: MetricPlugin<any, any>,
  value: unknown,
  run: MetricRun = {},
): Promise<(output: string) => Promise<MetricScore>> {
  const prepared: unknown = plugin.prepare
    ? await plugin.prepare(value, { baseDir: run.baseDir ?? fixturesDir })
    : value;
  const context = { baseDir: run.baseDir ?? fixturesDir };
  const others = run.corpus ? await Promise.all(run.corpus.map(async (v) => (plugin.prepare ? plugin.prepare(v, context) : v))) : undefined;
  const corpus: unknown = others && plugin.corpus ? await plugin.corpus([prepared, ...others]) : undefined;
  const vars = run.vars ?? {};
  const test: TestCase = { id: 't1', index: 0, vars, assert: [] };
  const prompt = run.prompt ?? 'the prompt';
  return async (output) =>
    plugin.score({
      output,
      value: prepared,
      vars,
      test,
      prompt,
      result: { ...run.result, output },
      providerId: 'echo',
      ...(run.judge ? { judge: run.judge } : {}),
      ...(run.tools ? { tools: run.tools } : {}),
      ...(corpus === undefined ? {} : { corpus }),
      ...(run.promptMedia ? { promptMedia: run.promptMedia } : {}),
    });
}

/** Prepares and scores once. */
export async function scoreMetric(
  plugin: MetricPlugin<any, any>,
  value: unknown,
  output: string,
  run: MetricRun = {},
): Promise<MetricScore> {
  return (await prepareMetric(plugin, value, run))(output);
}

export interface MetricExample {
  value: unknown;
  output: string;
  vars?: Record<string, unknown>;
  result?: Omit<GenerateResult, 'output'>;
  judge?: Judge;
  tools?: ToolDefinition[];
  /** Metrics with a `corpus` hook: the suite's other values of this metric (see MetricRun.corpus). */
  corpus?: unknown[];
  /** The cell's rendered prompt, for metrics that read it (default: `the prompt`). */
  prompt?: string;
  /** The assertion's `threshold`, applied as the grader does (score ≥ threshold), for metrics with no pass mark of their own. */
  threshold?: number;
}

export interface MetricContract {
  /** An assertion value and an output that must pass. */
  passing: MetricExample;
  /** An assertion value and an output that must fail. */
  failing: MetricExample;
  /** Pass/fail metrics: every score they give lies in 0..1. */
  boolean: boolean;
  /** False for metrics declared `negatable: false` (security detectors have no meaningful opposite). Default true. */
  negatable?: boolean;
  /** Comparative metrics (select-best, max-score) grade a group of outputs, never one: no single-output examples. */
  comparative?: boolean;
}

/** The shared contract every metric plugin satisfies. */
export function testMetric(id: MetricType, contract: MetricContract): void {
  describe(`metric contract: ${id}`, () => {
    it('is the default export of src/metrics/<id>.ts, registered under its own id', async () => {
      const module = (await import(`../../src/metrics/${id}.ts`)) as { default: MetricPlugin };
      expect(module.default.id).toBe(id);
      expect(await loadMetricPlugin(id)).toBe(module.default);
      expect(typeof module.default.score).toBe('function');
      expect(module.default.negatable ?? true).toBe(contract.negatable ?? true);
    });

    it('describes its value with a JSON Schema that strict ajv 2020 compiles and the examples satisfy', async () => {
      const plugin = await loadMetricPlugin(id);
      expect(plugin.optionsSchema).toBeDefined();
      expect(typeof plugin.optionsSchema?.description).toBe('string');
      const validate = new Ajv2020({ strict: true }).compile(plugin.optionsSchema ?? {});
      expect(validate(contract.passing.value), JSON.stringify(validate.errors)).toBe(true);
      expect(validate(contract.failing.value), JSON.stringify(validate.errors)).toBe(true);
    });

    if (contract.comparative) {
      it('grades groups of outputs through compare', async () => {
        expect(typeof (await loadMetricPlugin(id)).compare).toBe('function');
      });
      return;
    }
    for (const [name, example, expected] of [
      ['passes', contract.passing, true],
      ['fails', contract.failing, false],
    ] as const) {
      it(`${name} the representative example with a reason, the same way twice`, async () => {
        const plugin = await loadMetricPlugin(id);
        const score = await prepareMetric(plugin, example.value, { vars: example.vars, result: example.result, judge: example.judge, tools: example.tools, corpus: example.corpus, ...(example.prompt ? { prompt: example.prompt } : {}) });
        const first = await score(example.output);
        const threshold = example.threshold;
        expect(threshold === undefined ? first.pass : (first.score ?? (first.pass ? 1 : 0)) >= threshold).toBe(expected);
        expect(typeof first.reason).toBe('string');
        expect(first.reason?.length).toBeGreaterThan(0);
        if (contract.boolean && first.score !== undefined) {
          expect(first.score).toBeGreaterThanOrEqual(0);
          expect(first.score).toBeLessThanOrEqual(1);
        }
        // A prepared value is shared by every cell of a run, so scoring must not depend on earlier calls.
        expect(await score(example.output)).toEqual(first);
      });
    }
  });
}
