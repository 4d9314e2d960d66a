/**
 * Before any model call of a run that executes model-written code (`code-exec`): pick the sandbox, or refuse
 * (exit 2) when this machine cannot provide one and `--unsafe-code-execution` was not given. Suites without
 * code execution never load the sandbox module, so a plain eval pays nothing for it.
 */
import type { ResolvedSuite } from '../config/types.js';

/** The sandbox picked for a run, and the run-header line that names it. */
export interface CodeSandbox {
  /** `code sandbox: bubblewrap 0.8.0: …`, or the one-line WARNING of the unsafe path. */
  line: string;
  /** The suites that execute code: their header gets the line. */
  suites: ReadonlySet<ResolvedSuite>;
}

/** Prepares the sandbox when some suite uses `code-exec`; undefined when none does. */
export async function prepareCodeSandbox(suites: ResolvedSuite[], allowUnsafe: boolean): Promise<CodeSandbox | undefined> {
  const executing = suites.filter(executesCode);
  if (executing.length === 0) return undefined;
  const { prepareSandbox } = await import('../metrics/code-exec-sandbox.js');
  const choice = await prepareSandbox({ allowUnsafe });
  return { line: choice.safe ? `code sandbox: ${choice.description}` : choice.description, suites: new Set(executing) };
}

function executesCode(suite: ResolvedSuite): boolean {
  const tests = [...suite.tests, ...(suite.security?.tests ?? [])];
  return tests.some((test) => test.assert.some((assertion) => assertion.type === 'code-exec'));
}
