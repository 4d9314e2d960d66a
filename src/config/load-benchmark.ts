/**
 * A suite's `dataset:` → test entries, through the benchmark adapter its `type` names: paths (and globs)
 * resolved against the suite, few-shot files found, then `sample` (a seeded subset, kept in file order) and
 * `limit` (the first N) applied. An adapter that executes model-written code needs `allowCodeExecution`.
 */
import { dirname, resolve } from 'node:path';
import { drawSeeded } from '../datasets/benchmark.js';
import { benchmarkTypes, isBenchmarkType, loadBenchmarkAdapter } from '../datasets/benchmarks.js';
import { LlmlabError } from '../errors.js';
import type { BenchmarkDataset, ProjectConfig, SuiteFile, TestInput } from './types.js';
import { addSource } from './context.js';
import { expandPattern } from './glob.js';
import type { ResolveContext } from './context.js';
import type { TestEntry } from './load-test-files.js';
import { fileError } from './yaml-source.js';

/** Reads the benchmark's rows as tests; problems are recorded in the context and yield no entries. */
export async function loadBenchmark(dataset: BenchmarkDataset, context: ResolveContext): Promise<TestEntry[]> {
  const at = (...path: string[]) => context.source.locate(['dataset', ...path]);
  if (!isBenchmarkType(dataset.type)) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `unknown benchmark \`${dataset.type}\``, {
        where: at('type'),
        hint: `one of ${benchmarkTypes.join(', ')} (\`llmlab benchmarks\` lists them)`,
      }),
    );
    return [];
  }
  const adapter = await loadBenchmarkAdapter(dataset.type);
  const protocol = dataset.protocol ?? 'generate';
  if (!adapter.protocols.includes(protocol)) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `${adapter.id} has no \`${protocol}\` protocol`, {
        where: at('protocol'),
        hint: `use ${adapter.protocols.join(' or ')}`,
      }),
    );
    return [];
  }
  const files = await expand(dataset.path, context, at('path'));
  const fewshotFiles = dataset.fewshot ? await expand(dataset.fewshot.path, context, at('fewshot', 'path')) : [];
  if (files.length === 0 || (dataset.fewshot && fewshotFiles.length === 0)) return [];
  let tests;
  try {
    tests = await adapter.load({
      files,
      protocol,
      ...(dataset.fewshot ? { fewshot: { k: dataset.fewshot.k, files: fewshotFiles, seed: dataset.fewshot.seed ?? 1234 } } : {}),
      ...(dataset.timeoutMs === undefined ? {} : { timeoutMs: dataset.timeoutMs }),
      ...(dataset.memoryMb === undefined ? {} : { memoryMb: dataset.memoryMb }),
    });
  } catch (error) {
    context.problems.add(error instanceof LlmlabError ? placed(error, at(dataset.fewshot ? 'fewshot' : 'path')) : fileError(error, (error as NodeJS.ErrnoException).path ?? files[0] ?? dataset.path, 'dataset', at('path')));
    return [];
  }
  for (const file of [...files, ...fewshotFiles]) addSource(context, file);
  if (dataset.sample) {
    const keep = new Set(drawSeeded(tests, dataset.sample.n, dataset.sample.seed ?? 1234));
    tests = tests.filter((t) => keep.has(t));
  }
  if (dataset.limit !== undefined) tests = tests.slice(0, dataset.limit);
  // A row's relative `file:` media vars (ScienceQA's images) start from its data file's folder, as dataset rows' do.
  return tests.map(({ test, where }) => ({ test: test as unknown as TestInput, path: [], locate: () => where, code: 'DATASET_INVALID', baseDir: dirname(where.file) }));
}

/**
 * Running model-written code is opt-in: CONFIG_INVALID (exit 2) when a test uses `code-exec` and neither the
 * suite's `allowCodeExecution` nor `--allow-code-execution` allows it.
 */
export function checkCodeExecution(suite: SuiteFile, usesCodeExec: boolean, project: ProjectConfig, context: ResolveContext): void {
  if (!usesCodeExec || suite.allowCodeExecution === true || project.allowCodeExecution === true) return;
  context.problems.add(
    new LlmlabError('CONFIG_INVALID', 'this suite runs model-written code (code-exec), which is off by default', {
      where: context.source.locate(suite.dataset ? ['dataset'] : ['tests']),
      hint:
        'the code runs sandboxed (time, memory and process limits, no network), but is still untrusted: add ' +
        '`allowCodeExecution: true` to the suite or pass --allow-code-execution',
    }),
  );
}

/** An adapter's error that names no file (a few-shot pool too small) points at the suite's `dataset:`. */
function placed(error: LlmlabError, where: ReturnType<ResolveContext['source']['locate']>): LlmlabError {
  if (error.where) return error;
  return new LlmlabError(error.code, error.message, { where, ...(error.hint === undefined ? {} : { hint: error.hint }) });
}

async function expand(pattern: string, context: ResolveContext, where: ReturnType<ResolveContext['source']['locate']>): Promise<string[]> {
  const files = await expandPattern(pattern, context.baseDir);
  if (files.length === 0) {
    context.problems.add(
      new LlmlabError('FILE_NOT_FOUND', `no files match \`${pattern}\` (looked in ${resolve(context.baseDir, pattern)})`, {
        where,
        hint: 'download the official data (`llmlab benchmarks` says where) and point `path` at it, relative to the suite',
      }),
    );
  }
  return files;
}
