/** Builds ResolvedSuites by hand for engine tests, so they do not depend on the YAML loader. */
import type { ResolvedProvider, ResolvedSuite } from '../../src/config/types.js';
import type { Assertion, TestCase } from '../../src/types.js';

export function provider(id: string, config: Record<string, unknown> = {}, limits: Partial<ResolvedProvider['limits']> = {}, label = id): ResolvedProvider {
  const colon = id.indexOf(':');
  return {
    id,
    type: colon === -1 ? id : id.slice(0, colon),
    model: colon === -1 ? '' : id.slice(colon + 1),
    label,
    config,
    limits: { timeoutMs: 5000, maxRetries: 3, ...limits },
  };
}

export function assertion(type: string, value?: unknown, extra: Partial<Assertion> = {}): Assertion {
  const negate = type.startsWith('not-');
  return { type: negate ? type.slice(4) : type, negate, value, weight: 1, metric: type, ...extra };
}

export function tests(questions: string[], assert: Assertion[] = []): TestCase[] {
  return questions.map((q, index) => ({ id: `t${index}`, index, vars: { question: q }, assert }));
}

export function makeSuite(parts: Partial<ResolvedSuite> & { providers: ResolvedProvider[]; tests: TestCase[] }): ResolvedSuite {
  return {
    path: '/virtual/suite.yaml',
    baseDir: '/virtual',
    prompts: [{ id: 'p', template: 'Q: {{ question }}', source: { file: '/virtual/suite.yaml', line: 3 } }],
    repeat: 1,
    gates: {},
    sources: [],
    hash: 'test-hash',
    ...parts,
  };
}
