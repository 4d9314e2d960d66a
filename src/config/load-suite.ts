/**
 * Loads a suite file: parse (positions kept) → validate against schemas/suite.schema.json → resolve providers,
 * prompts and tests (reading every referenced file) → ResolvedSuite. Problems are collected and thrown together.
 */
import { dirname, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { ProjectConfig, ResolvedSuite, SuiteFile } from './types.js';
import type { ResolveContext } from './context.js';
import { checkBuiltIn } from './check-value.js';
import { ProblemList } from './problems.js';
import { resolvePrompts } from './resolve-prompts.js';
import { resolveProviders } from './resolve-providers.js';
import { resolveTests } from './resolve-tests.js';
import { suiteHash } from './suite-hash.js';
import { readYamlFile } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Loads, validates and resolves the suite at `path`. Throws an LlmlabError (LlmlabErrors when several
 * problems were found) for anything the user can fix: YAML syntax, schema, unknown provider or assertion types,
 * provider or metric options, missing files, malformed datasets, duplicate ids.
 *
 * Resolution reads no environment variables, so a suite resolves (and hashes) the same on every machine;
 * providers read theirs when they are created.
 */
export async function loadSuite(path: string, project: ProjectConfig): Promise<ResolvedSuite> {
  const file = resolve(path);
  const source = await readYamlFile(file, { what: 'suite' });
  const suite = checkShape(source);
  const context: ResolveContext = {
    file,
    baseDir: dirname(file),
    source,
    problems: new ProblemList(),
    sources: [file],
  };
  const providers = await resolveProviders(suite.providers, project, context);
  const prompts = await resolvePrompts(suite.prompts, context);
  const tests = await resolveTests(suite, context);
  context.problems.throwIfAny();
  const repeat = suite.repeat ?? 1;
  return {
    path: file,
    baseDir: context.baseDir,
    ...(suite.description === undefined ? {} : { description: suite.description }),
    providers,
    prompts,
    tests,
    repeat,
    gates: suite.gates?.minPassRate === undefined ? {} : { minPassRate: suite.gates.minPassRate },
    sources: context.sources,
    hash: suiteHash({ providers, prompts, tests, repeat }),
  };
}

/** Validates the suite's structure; everything after this may trust the SuiteFile type. */
function checkShape(source: YamlSource): SuiteFile {
  if (source.value === null) {
    throw new LlmlabError('CONFIG_INVALID', 'the suite file is empty', {
      where: { file: source.file, line: 1, col: 1 },
      hint: 'a suite needs `providers`, `prompts` and `tests`; see suites/quickstart.yaml',
    });
  }
  const problems = new ProblemList();
  const found = checkBuiltIn('suite', source.value, { subject: 'the suite file' });
  problems.addProblems(found, 'CONFIG_INVALID', source.locate);
  problems.throwIfAny();
  return source.value as SuiteFile;
}
