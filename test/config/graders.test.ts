/**
 * `grader:`, `embedder:` and `graderRepeat:`: precedence (assertion > defaultTest > suite > llmlab.config.yaml),
 * one grader key per distinct spec, and load-time errors at the assertion with the YAML to add.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { loadSuite } from '../../src/config/load-suite.js';
import type { ProjectConfig, ResolvedSuite } from '../../src/config/types.js';
import { createPlan } from '../../src/engine/plan.js';
import { flatten, loadErrors, project, tempDir } from './helpers.js';

const HEAD = 'providers: [echo]\nprompts: ["{{ q }}"]\n';

async function load(yaml: string, config?: ProjectConfig): Promise<ResolvedSuite> {
  const dir = await tempDir({ 'suite.yaml': yaml });
  return loadSuite(join(dir, 'suite.yaml'), config ?? project);
}

/** The grader and embedder ids each assertion of test `t` resolved to. */
function judgesOf(suite: ResolvedSuite, t = 0) {
  return suite.tests[t]!.assert.map((a) => ({
    type: a.type,
    grader: a.judge?.grader === undefined ? undefined : suite.graders![a.judge.grader]!.id,
    embedder: a.judge?.embedder === undefined ? undefined : suite.graders![a.judge.embedder]!.id,
    repeat: a.judge?.repeat,
    calls: a.judge?.calls,
  }));
}

describe('grader resolution', () => {
  it('takes assertion > defaultTest > suite > project, and graderRepeat assertion > suite', async () => {
    const withProject = { ...(await loadProjectConfig({ cwd: await tempDir({ 'llmlab.config.yaml': 'grader: mock:project\nembedder: mock:project-embed\n' }), env: {} })) };
    const suite = await load(
      `${HEAD}grader: mock:suite\ngraderRepeat: 3\n` +
        'tests:\n  - vars: { q: a }\n    assert:\n' +
        '      - { type: llm-rubric, value: r1 }\n' +
        '      - { type: llm-rubric, value: r2, grader: mock:own, graderRepeat: 5 }\n' +
        '      - { type: similar, value: a }\n' +
        '      - { type: answer-relevance }\n' +
        '      - { type: similar, value: a, grader: mock:own }\n',
      withProject,
    );
    expect(judgesOf(suite)).toEqual([
      { type: 'llm-rubric', grader: 'mock:suite', embedder: undefined, repeat: 3, calls: 3 },
      { type: 'llm-rubric', grader: 'mock:own', embedder: undefined, repeat: 5, calls: 5 },
      // similar does not repeat: embeddings are deterministic.
      { type: 'similar', grader: undefined, embedder: 'mock:project-embed', repeat: 1, calls: 1 },
      { type: 'answer-relevance', grader: 'mock:suite', embedder: 'mock:project-embed', repeat: 3, calls: 6 },
      // An assertion's grader serves its embeddings too.
      { type: 'similar', grader: undefined, embedder: 'mock:own', repeat: 1, calls: 1 },
    ]);
    const withDefaultTest = await load(
      `${HEAD}grader: mock:suite\nembedder: mock:suite-embed\ndefaultTest:\n  grader: mock:default\n  embedder: mock:default-embed\n` +
        '  assert: [{ type: factuality, value: x }]\ntests:\n  - vars: { q: a }\n    assert: [{ type: answer-relevance }]\n',
      withProject,
    );
    expect(judgesOf(withDefaultTest)).toEqual([
      { type: 'answer-relevance', grader: 'mock:default', embedder: 'mock:default-embed', repeat: 1, calls: 2 },
      { type: 'factuality', grader: 'mock:default', embedder: undefined, repeat: 1, calls: 1 },
    ]);
    expect(createPlan(withDefaultTest).nodeCounts).toEqual({ generate: 1, grade: 2, judge: 3 });
  });

  it('gives one key to each distinct spec, and a changed grader config changes the suite hash', async () => {
    const yaml = (temperature: number) =>
      `${HEAD}grader: { id: "openai:gpt-4o-mini", config: { baseUrl: "http://127.0.0.1:9/v1", temperature: ${temperature} } }\n` +
      'tests:\n  - vars: { q: a }\n    assert: [{ type: llm-rubric, value: r1 }, { type: factuality, value: x }]\n' +
      '  - vars: { q: b }\n    assert:\n      - { type: llm-rubric, value: r1, grader: "openai:gpt-4o-mini" }\n';
    const suite = await load(yaml(0));
    expect(Object.values(suite.graders!).map((g) => [g.id, g.config])).toEqual([
      ['openai:gpt-4o-mini', { baseUrl: 'http://127.0.0.1:9/v1', temperature: 0 }],
      ['openai:gpt-4o-mini', {}],
    ]);
    expect(suite.tests[0]!.assert[0]!.judge!.grader).toBe(suite.tests[0]!.assert[1]!.judge!.grader);
    expect((await load(yaml(0))).hash).toBe(suite.hash);
    expect((await load(yaml(1))).hash).not.toBe(suite.hash);
  });

  it('leaves suites without model-graded assertions as they were', async () => {
    const suite = await load(`${HEAD}grader: mock:judge\ntests:\n  - vars: { q: a }\n    assert: [{ type: equals, value: a }]\n`);
    expect(suite.graders).toBeUndefined();
    expect(suite.tests[0]!.assert[0]!.judge).toBeUndefined();
  });
});

describe('grader errors', () => {
  it('reports a model-graded assertion without a grader at the assertion, with the YAML to add', async () => {
    const errors = await loadErrors({
      'suite.yaml': `${HEAD}tests:\n  - vars: { q: a }\n    assert:\n      - { type: equals, value: a }\n      - type: llm-rubric\n        value: Is polite\n`,
    });
    expect(errors).toEqual([
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:7:9',
        message: 'assertion `llm-rubric` needs a grader, and none is configured',
        hint:
          'add `grader: openai:gpt-4o-mini` at the top of the suite (or in llmlab.config.yaml for every suite), or ' +
          '`grader: ...` on this assertion; offline: `grader: mock`',
      },
    ]);
  });

  it('asks for an embedder for similar, and for both for answer-relevance', async () => {
    const errors = await loadErrors({
      'suite.yaml': `${HEAD}tests:\n  - vars: { q: a }\n    assert:\n      - { type: similar, value: a }\n      - { type: answer-relevance }\n`,
    });
    expect(errors.map((e) => [e.at, e.message])).toEqual([
      ['suite.yaml:6:9', 'assertion `similar` needs an embedder, and none is configured'],
      ['suite.yaml:7:9', 'assertion `answer-relevance` needs a grader and embedder, and none is configured'],
    ]);
    expect(errors[0]!.hint).toContain('`embedder: openai:text-embedding-3-small`');
    expect(errors[1]!.hint).toContain('offline: `grader: mock, embedder: mock`');
  });

  it('reports an unknown grader type where it is written, and grader on a metric that calls no model', async () => {
    const errors = await loadErrors({
      'suite.yaml':
        `${HEAD}grader: opnai:gpt-4o\ntests:\n  - vars: { q: a }\n    assert:\n      - { type: llm-rubric, value: r }\n`,
    });
    expect(errors.map((e) => [e.code, e.at, e.message])).toEqual([
      ['UNKNOWN_PROVIDER', 'suite.yaml:3:9', 'unknown provider type `opnai` in grader'],
      ['CONFIG_INVALID', 'suite.yaml:7:9', 'assertion `llm-rubric` needs a grader, and none is configured'],
    ]);
    const zero = await loadErrors({
      'suite.yaml': `${HEAD}grader: mock\ntests:\n  - vars: { q: a }\n    assert:\n      - { type: llm-rubric, value: r, graderRepeat: 0 }\n`,
    });
    expect(zero).toEqual([expect.objectContaining({ code: 'CONFIG_INVALID', at: 'suite.yaml:7:53', message: '`tests[0].assert[0].graderRepeat` must be an integer between 1 and 100, got 0' })]);
    const misplaced = await loadErrors({
      'suite.yaml': `${HEAD}tests:\n  - vars: { q: a }\n    assert:\n      - { type: equals, value: a, grader: mock }\n`,
    });
    expect(misplaced).toEqual([
      expect.objectContaining({ at: 'suite.yaml:6:35', message: '`grader` on assertion `equals`, which calls no model' }),
    ]);
  });

  it('checks the project grader in llmlab.config.yaml, located there', async () => {
    const dir = await tempDir({ 'llmlab.config.yaml': 'grader:\n  id: mock:judge\n  config: { answerz: [] }\n' });
    const error = await loadProjectConfig({ cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(flatten(error, dir)).toEqual([expect.objectContaining({ code: 'CONFIG_INVALID', at: 'llmlab.config.yaml:3:13' })]);
    const ok = await loadProjectConfig({ cwd: await tempDir({ 'llmlab.config.yaml': 'grader: mock:judge\n' }), env: {} });
    expect(ok.grader).toMatchObject({ id: 'mock:judge', type: 'mock', model: 'judge', limits: { timeoutMs: 60_000, maxRetries: 4 } });
  });
});
