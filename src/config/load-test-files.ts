/**
 * `tests: file:<path or glob>` → dataset rows, validated like inline tests. Globs expand relative to the suite
 * and files are read in sorted path order, so a suite's tests never depend on directory listing order.
 */
import { dirname, resolve } from 'node:path';
import { loadDataset } from '../datasets/index.js';
import { LlmlabError, LlmlabErrors } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { TestFile, TestInput } from './types.js';
import { checkBuiltIn } from './check-value.js';
import { addSource } from './context.js';
import { expandPattern } from './glob.js';
import type { ResolveContext } from './context.js';
import type { Locate } from './problems.js';
import { isAssertionType } from './resolve-assertions.js';
import { fileError } from './yaml-source.js';
import type { PathSegment } from './yaml-source.js';

/** A test as written plus where it came from: a suite's `tests:` list or a dataset row. */
export interface TestEntry {
  test: TestInput;
  /** Path of the test from the root of `locate`'s file: `['tests', 3]` in a suite, `[]` in a dataset row. */
  path: PathSegment[];
  locate: Locate;
  code: ErrorCode;
  /** The folder a row's relative paths (`file:` media vars) start from: its dataset file's; the suite's when absent. */
  baseDir?: string;
}

/** Reads the datasets a `file:` reference names; rows that fail validation are recorded and left out. */
export async function loadTestFiles(ref: string, context: ResolveContext): Promise<TestEntry[]> {
  const pattern = ref.replace(/^file:/, '').trim();
  const referencedAt = context.source.locate(['tests']);
  const files = await expand(pattern, context);
  const entries: TestEntry[] = [];
  for (const file of files) {
    let rows;
    try {
      rows = await loadDataset(file, { isAssertionType: (type) => isAssertionType(type, context.metrics) });
    } catch (error) {
      if (error instanceof LlmlabErrors) error.errors.forEach((e) => context.problems.add(e));
      else if (error instanceof LlmlabError) context.problems.add(error);
      else context.problems.add(fileError(error, file, 'dataset', referencedAt));
      continue;
    }
    addSource(context, file);
    if (rows.length === 0) {
      context.problems.add(
        new LlmlabError('DATASET_INVALID', `${file} holds no tests`, {
          where: { file },
          hint: 'add rows, or point `tests:` at another file',
        }),
      );
    }
    for (const row of rows) {
      const locate: Locate = (path) => (row.locate && path.length > 0 ? row.locate(path) : row.where);
      const problems = checkBuiltIn('suite:test', row.test, {
        subject: 'the row',
        rootPlace: 'in the row',
      });
      if (problems.length > 0) {
        const bareVars = !('vars' in row.test) && !('assert' in row.test);
        for (const problem of problems) {
          if (bareVars && problem.atKey && problem.path.length === 1) {
            problem.hint =
              'this row has test keys (id, description, cluster or metadata), so it is read as a test, not as ' +
              'variables: put the variables under `vars`, or name the test keys `__id` and `__description`';
          }
        }
        context.problems.addProblems(problems, 'DATASET_INVALID', locate);
        continue;
      }
      entries.push({ test: row.test as TestFile, path: [], locate, code: 'DATASET_INVALID', baseDir: dirname(file) });
    }
  }
  return entries;
}

async function expand(pattern: string, context: ResolveContext): Promise<string[]> {
  const where = context.source.locate(['tests']);
  const files = await expandPattern(pattern, context.baseDir);
  if (files.length === 0) {
    context.problems.add(
      new LlmlabError('FILE_NOT_FOUND', `no files match \`${pattern}\` (looked in ${resolve(context.baseDir, pattern)})`, {
        where,
        hint: 'the pattern is relative to the suite file',
      }),
    );
  }
  return files;
}
