/**
 * The trust model's line between code and data: the suite file and the modules it names are trusted code, the
 * rows of its dataset files are data. A row that would run code (a `javascript` or `python` assertion,
 * inline or `file:`; in CSV an `__expected: javascript:…` cell; a `{ javascript }` transform step; a test's
 * `transformVars`), or that would send outputs and vars to an address it names (`webhook`), is refused, with
 * its file and line, unless the
 * suite sets `trustDatasetCode: true`. Checked before assertions are prepared, since preparing one compiles or
 * imports its code. Benchmark adapters are not rows: their assertions are built by llmlab.
 */
import { LlmlabError } from '../errors.js';
import { parseAssertionType } from '../metrics/index.js';
import type { ResolveContext } from './context.js';
import type { TestEntry } from './load-test-files.js';

/** Metrics whose `value` is code llmlab runs: in its own process (javascript), or in its Python worker. */
const IN_PROCESS_CODE = new Set(['javascript', 'python']);
/** Metrics that send the output and vars to an address the row would choose: data could leave the machine. */
const SENDS_DATA = new Set(['webhook']);

/**
 * The entry with its code-running assertions removed and each recorded as a problem, unless the suite trusts
 * its datasets. Returns the entry unchanged when it has none.
 */
export function refuseDatasetCode(entry: TestEntry, trusted: boolean, context: ResolveContext): TestEntry {
  if (trusted) return entry;
  const refuse = (what: string, path: (string | number)[], doing = 'run code') =>
    context.problems.add(
      new LlmlabError('DATASET_INVALID', `a dataset row may not ${doing}: its ${what} is refused`, {
        where: entry.locate([...entry.path, ...path]),
        hint:
          'dataset rows are data, so code in them does not run by default. If you wrote this file and trust it, ' +
          'set `trustDatasetCode: true` in the suite; or move the check into the suite (`defaultTest.assert`)',
      }),
    );
  let test = entry.test;
  if (test.transformVars !== undefined) {
    refuse('`transformVars`', ['transformVars']);
    const { transformVars: _code, ...rest } = test;
    test = rest;
  }
  if (runsJavascript(test.transform)) {
    refuse('JavaScript `transform`', ['transform']);
    const { transform: _code, ...rest } = test;
    test = rest;
  }
  const list = test.assert;
  const refused = !Array.isArray(list)
    ? []
    : list.flatMap((assertion, i) =>
        (typeof assertion?.type === 'string' && refusedType(parseAssertionType(assertion.type).type)) || runsJavascript(assertion?.transform)
          ? [i]
          : [],
      );
  for (const i of refused) {
    const type = parseAssertionType(String(list![i]!.type)).type;
    if (SENDS_DATA.has(type)) refuse(`\`${type}\` assertion`, ['assert', i, 'type'], 'send data out');
    else if (IN_PROCESS_CODE.has(type)) refuse(`\`${type}\` assertion`, ['assert', i, 'type']);
    else refuse(`\`${type}\` assertion's JavaScript \`transform\``, ['assert', i, 'transform']);
  }
  if (refused.length > 0) test = { ...test, assert: list!.filter((_, i) => !refused.includes(i)) };
  return test === entry.test ? entry : { ...entry, test };
}

function refusedType(type: string): boolean {
  return IN_PROCESS_CODE.has(type) || SENDS_DATA.has(type);
}

/** True when a written transform (one step or a list) has a `{ javascript }` step. */
function runsJavascript(transform: unknown): boolean {
  const steps = Array.isArray(transform) ? transform : [transform];
  return steps.some((step) => typeof step === 'object' && step !== null && 'javascript' in step);
}
