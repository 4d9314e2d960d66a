/**
 * Tests → TestCase: `defaultTest` merged in (its vars under each test's, its assertions after each test's),
 * assertions resolved, `transform` / `transformVars` applied (test-transforms.ts), and a stable id given to every
 * test.
 */
import { createHash } from 'node:crypto';
import { LlmlabError } from '../errors.js';
import type { Assertion, TestCase } from '../types.js';
import type { SuiteFile, TestInput } from './types.js';
import type { ResolveContext } from './context.js';
import { formatPath } from './describe-schema.js';
import { refuseDatasetCode } from './dataset-code.js';
import { loadBenchmark } from './load-benchmark.js';
import { loadTestFiles } from './load-test-files.js';
import type { TestEntry } from './load-test-files.js';
import { renderAssertionValues } from './assertion-templates.js';
import { MediaVars } from './resolve-media-vars.js';
import { AssertionResolver } from './resolve-assertions.js';
import type { JudgeSetup } from './resolve-assertions.js';
import { canonicalJson } from './suite-hash.js';
import { testTransformSteps, VarsTransformer, withTestTransform } from './test-transforms.js';

interface Defaults {
  vars: Record<string, unknown>;
  assert: Assertion[];
  metadata: Record<string, unknown>;
}

export async function resolveTests(suite: SuiteFile, context: ResolveContext, judges?: JudgeSetup): Promise<TestCase[]> {
  const assertions = new AssertionResolver(context.problems, context.metrics, judges);
  const defaultTest = suite.defaultTest ?? {};
  const media = new MediaVars(context);
  const defaults: Defaults = {
    vars: (await media.resolve(defaultTest.vars, { path: ['defaultTest', 'vars'], locate: context.source.locate, baseDir: context.baseDir })) ?? {},
    assert: await assertions.resolveAll(defaultTest.assert, {
      path: ['defaultTest', 'assert'],
      locate: context.source.locate,
      code: 'CONFIG_INVALID',
      baseDir: context.baseDir,
    }),
    metadata: defaultTest.metadata ?? {},
  };
  if (suite.dataset !== undefined && suite.tests !== undefined) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', 'the suite has both `tests` and `dataset`', {
        where: context.source.locate(['dataset'], { key: true }),
        hint: 'a suite reads its tests from one place: keep `dataset` for a benchmark, or `tests` for your own cases',
      }),
    );
  }
  const entries: TestEntry[] = suite.dataset
    ? await loadBenchmark(suite.dataset, context)
    : typeof suite.tests === 'string'
      ? (await loadTestFiles(suite.tests, context)).map((entry) => refuseDatasetCode(entry, suite.trustDatasetCode === true, context))
      : (suite.tests ?? []).map((test, i) => ({ test, path: ['tests', i], locate: context.source.locate, code: 'CONFIG_INVALID' }));
  const ids = new TestIds(context);
  const tests: TestCase[] = [];
  const defaultSite = { locate: context.source.locate, code: 'CONFIG_INVALID' as const };
  const defaultSteps = testTransformSteps(defaultTest.transform, { ...defaultSite, path: ['defaultTest', 'transform'] }, context.problems);
  const varsTransformer = new VarsTransformer(context.problems, context.baseDir);
  for (const written of entries) {
    // Before the id: a test's id hashes its media by their bytes, so renaming an image keeps it.
    const entry = await media.resolveEntry(written);
    const own = await assertions.resolveAll(entry.test.assert, {
      path: [...entry.path, 'assert'],
      locate: entry.locate,
      code: entry.code,
      baseDir: context.baseDir,
    });
    const id = ids.next(entry);
    const site = { locate: entry.locate, code: entry.code };
    const steps =
      entry.test.transform === undefined ? defaultSteps : testTransformSteps(entry.test.transform, { ...site, path: [...entry.path, 'transform'] }, context.problems);
    const test = buildTest(entry.test, id, tests.length, withTestTransform(mergeAssertions(own, defaults.assert), steps), defaults);
    const code = entry.test.transformVars ?? defaultTest.transformVars;
    if (code !== undefined) {
      const at = entry.test.transformVars === undefined ? { ...defaultSite, path: ['defaultTest', 'transformVars'] } : { ...site, path: [...entry.path, 'transformVars'] };
      test.vars = await varsTransformer.apply(code, test.vars, at);
    }
    test.assert = renderAssertionValues(test.assert, test.vars, context.problems);
    tests.push(test);
  }
  return tests;
}

/**
 * A test's assertions followed by defaultTest's. Tests without assertions of their own share defaultTest's
 * array: at 100,000 tests a spread copy per test (which V8 over-allocates) costs more than the tests themselves.
 */
function mergeAssertions(own: Assertion[], defaults: Assertion[]): Assertion[] {
  if (own.length === 0) return defaults;
  return defaults.length === 0 ? own : own.concat(defaults);
}

function buildTest(test: TestInput, id: string, index: number, assert: Assertion[], defaults: Defaults): TestCase {
  const metadata = { ...defaults.metadata, ...test.metadata };
  return {
    id,
    index,
    ...(test.description === undefined ? {} : { description: test.description }),
    vars: Object.keys(defaults.vars).length === 0 && test.vars ? test.vars : { ...defaults.vars, ...test.vars },
    assert,
    ...(test.cluster === undefined ? {} : { cluster: String(test.cluster) }),
    ...(Object.keys(metadata).length === 0 ? {} : { metadata }),
    ...(test.continuations === undefined ? {} : { continuations: test.continuations }),
  };
}

/**
 * Test ids: the user's, else a short hash of the test's own description and vars. The test's own vars, not
 * the merged ones, so editing a `defaultTest` var keeps ids (and so paired comparisons across runs) intact.
 * Exact duplicates get `#2`, `#3`, … in order; a user id given twice is an error.
 */
class TestIds {
  private readonly given = new Map<string, TestEntry>();
  private readonly hashed = new Map<string, number>();

  constructor(private readonly context: ResolveContext) {}

  next(entry: TestEntry): string {
    const { test } = entry;
    if (test.id !== undefined) {
      const id = String(test.id);
      const first = this.given.get(id);
      if (first) this.duplicate(id, entry, first);
      else this.given.set(id, entry);
      return id;
    }
    const hash = createHash('sha256')
      .update(canonicalJson({ description: test.description ?? null, vars: test.vars ?? {} }))
      .digest('hex')
      .slice(0, 12);
    const seen = (this.hashed.get(hash) ?? 0) + 1;
    this.hashed.set(hash, seen);
    return seen === 1 ? hash : `${hash}#${seen}`;
  }

  private duplicate(id: string, entry: TestEntry, first: TestEntry): void {
    const where = entry.locate([...entry.path, 'id']);
    const at = first.locate([...first.path, 'id']);
    const other = at.file === where.file ? `on line ${at.line ?? 1}` : `at ${at.file}:${at.line ?? 1}`;
    const label = entry.path.length > 0 ? ` in ${formatPath(entry.path)}` : '';
    this.context.problems.add(
      new LlmlabError(entry.code, `duplicate test id \`${id}\`${label}`, {
        where,
        hint: `test ids identify tests across runs, so they must be unique; \`${id}\` is also used ${other}`,
      }),
    );
  }
}
