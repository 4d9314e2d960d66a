/**
 * A test's `transform` and `transformVars` (promptfoo's `options.transform` and `transformVars`), with defaultTest's
 * as the fallback: a test's own replaces defaultTest's, as promptfoo's test options override defaultTest's.
 * `transform` steps go in front of every assertion's own steps, so the grader applies them like any transform
 * and the cell keeps the raw output. `transformVars` is suite JavaScript run here, once per test, on the merged
 * vars: what it returns is merged over them before any prompt renders, so `plan`, the cache key and the report
 * all see the final vars. Both are trusted code, like the `javascript` assertion.
 */
import { resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { loadModule } from '../load-module.js';
import { compileTransform, TransformStepError } from '../metrics/transform.js';
import { callWithTimeLimit, DEFAULT_TIME_LIMIT_MS, mayRunLong } from '../metrics/time-limit.js';
import type { Assertion, TransformStep } from '../types.js';
import { formatPath } from './describe-schema.js';
import type { Locate, ProblemList } from './problems.js';
import type { TransformFile } from '../schema-types/suite-file.js';
import type { PathSegment } from './yaml-source.js';

/** Where a written `transform` or `transformVars` sits, for errors. */
export interface TransformSite {
  path: PathSegment[];
  locate: Locate;
  /** CONFIG_INVALID in a suite, DATASET_INVALID in a dataset row. */
  code: ErrorCode;
}

/** The steps of a test-level `transform`, checked by compiling them; null when one is invalid (recorded). */
export function testTransformSteps(written: TransformFile | undefined, site: TransformSite, problems: ProblemList): TransformStep[] | null | undefined {
  if (written === undefined) return undefined;
  const listed = Array.isArray(written);
  const steps = (listed ? written : [written]) as TransformStep[];
  try {
    compileTransform(steps);
    return steps;
  } catch (error) {
    if (!(error instanceof TransformStepError)) throw error;
    const at = [...site.path, ...(listed ? error.path : error.path.slice(1))];
    problems.add(new LlmlabError(site.code, `transform step ${formatPath(at)}: ${error.message}`, { where: site.locate(at), ...(error.hint ? { hint: error.hint } : {}) }));
    return null;
  }
}

/** The test's assertions with its transform steps in front of each one's own. */
export function withTestTransform(assert: Assertion[], steps: TransformStep[] | undefined | null): Assertion[] {
  if (!steps || steps.length === 0) return assert;
  return assert.map((assertion) => ({ ...assertion, transform: [...steps, ...(assertion.transform ?? [])] }));
}

type VarsCode = (vars: Record<string, unknown>, context: { vars: Record<string, unknown> }) => unknown;

const HINT =
  'return an object of vars, e.g. transformVars: "({ count: vars.items.length })" or, on several lines, a body ending in `return { ... }`';

/**
 * Compiles `transformVars` code (or loads a `file:path.js[:name]` module's function) once per distinct text, and
 * runs it per test.
 */
export class VarsTransformer {
  private readonly compiled = new Map<string, VarsCode | null>();

  constructor(
    private readonly problems: ProblemList,
    private readonly baseDir: string,
  ) {}

  /** The test's vars with the code's result merged over them; the vars unchanged when the code fails (recorded). */
  async apply(code: string | undefined, vars: Record<string, unknown>, site: TransformSite): Promise<Record<string, unknown>> {
    if (code === undefined) return vars;
    const fn = code.trim().startsWith('file:') ? await this.load(code, site) : this.compile(code, site);
    if (!fn) return vars;
    const run = () => fn(vars, { vars });
    let returned: unknown;
    try {
      returned = mayRunLong(code) ? callWithTimeLimit(run, DEFAULT_TIME_LIMIT_MS, 'transformVars') : run();
    } catch (error) {
      this.report(site, `transformVars threw: ${(error as Error)?.message ?? String(error)}`);
      return vars;
    }
    if (typeof returned !== 'object' || returned === null || Array.isArray(returned) || typeof (returned as PromiseLike<unknown>).then === 'function') {
      const what = returned === undefined ? 'undefined (a function body needs a `return`)' : Array.isArray(returned) ? 'a list' : typeof returned === 'object' && returned !== null ? 'a promise (transformVars runs synchronously)' : JSON.stringify(returned);
      this.report(site, `transformVars returned ${what}; it must return an object of vars`);
      return vars;
    }
    return { ...vars, ...(returned as Record<string, unknown>) };
  }

  private async load(code: string, site: TransformSite): Promise<VarsCode | null> {
    let fn = this.compiled.get(code);
    if (fn !== undefined) return fn;
    const [, path = '', name] = /^file:(?:\/\/)?(.*?)(?::([A-Za-z_$][\w$]*))?$/.exec(code.trim()) ?? [];
    try {
      const namespace = (await loadModule(resolve(this.baseDir, path))) as Record<string, unknown>;
      const found = namespace[name ?? 'default'];
      fn = typeof found === 'function' ? (found as VarsCode) : null;
      if (!fn) this.report(site, `transformVars module ${path} has no ${name ? `export named ${name}` : 'default export'} that is a function`);
    } catch (error) {
      if (!(error instanceof LlmlabError)) throw error;
      this.report(site, `transformVars: ${error.message}`);
      fn = null;
    }
    this.compiled.set(code, fn);
    return fn;
  }

  private compile(code: string, site: TransformSite): VarsCode | null {
    let fn = this.compiled.get(code);
    if (fn !== undefined) return fn;
    const source = code.trim();
    try {
      // promptfoo's rule: one line is an expression, several a function body.
      fn = (source.includes('\n') ? new Function('vars', 'context', source) : new Function('vars', 'context', `return (${source.replace(/;+$/, '')}\n);`)) as VarsCode;
    } catch (error) {
      this.report(site, `transformVars does not compile: ${(error as Error).message}`);
      fn = null;
    }
    this.compiled.set(code, fn);
    return fn;
  }

  private report(site: TransformSite, message: string): void {
    this.problems.add(new LlmlabError(site.code, `${message} (${formatPath(site.path)})`, { where: site.locate(site.path), hint: HINT }));
  }
}
