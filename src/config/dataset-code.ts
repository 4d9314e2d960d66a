/**
 * The trust model's line between code and data: the suite file and the modules it names are trusted code, the
 * rows of its dataset files are data. A row that would run JavaScript in-process (a `javascript` assertion,
 * inline or `file:`; in CSV an `__expected: javascript:…` cell) is refused, with its file and line, unless the
 * suite sets `trustDatasetCode: true`. Checked before assertions are prepared, since preparing one compiles or
 * imports its code. Benchmark adapters are not rows: their assertions are built by llmlab.
 */
import { LlmlabError } from '../errors.js';
import { parseAssertionType } from '../metrics/index.js';
import type { ResolveContext } from './context.js';
import type { TestEntry } from './load-test-files.js';

/** Metrics whose `value` is code run in llmlab's own process. */
const IN_PROCESS_CODE = new Set(['javascript']);

/**
 * The entry with its code-running assertions removed and each recorded as a problem, unless the suite trusts
 * its datasets. Returns the entry unchanged when it has none.
 */
export function refuseDatasetCode(entry: TestEntry, trusted: boolean, context: ResolveContext): TestEntry {
  const list = entry.test.assert;
  if (trusted || !Array.isArray(list)) return entry;
  const refused = list.flatMap((assertion, i) =>
    typeof assertion?.type === 'string' && IN_PROCESS_CODE.has(parseAssertionType(assertion.type).type) ? [i] : [],
  );
  if (refused.length === 0) return entry;
  for (const i of refused) {
    const type = parseAssertionType(String(list[i]!.type)).type;
    context.problems.add(
      new LlmlabError('DATASET_INVALID', `a dataset row may not run code: its \`${type}\` assertion is refused`, {
        where: entry.locate([...entry.path, 'assert', i, 'type']),
        hint:
          'dataset rows are data, so code in them does not run by default. If you wrote this file and trust it, ' +
          'set `trustDatasetCode: true` in the suite; or move the check into the suite (`defaultTest.assert`)',
      }),
    );
  }
  return { ...entry, test: { ...entry.test, assert: list.filter((_, i) => !refused.includes(i)) } };
}
