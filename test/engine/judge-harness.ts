/** A real store and runSuite for judge tests, with hand-built suites whose assertions name their graders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedProvider, ResolvedSuite } from '../../src/config/types.js';
import { runSuite } from '../../src/engine/run.js';
import { summarizeRun } from '../../src/report/summary.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { Assertion, AssertionJudge } from '../../src/types.js';
import { assertion, makeSuite, provider } from './make-suite.js';
import { runInStore } from './run-in-store.js';

export interface JudgeHarness {
  store: Store;
  run(suite: ResolvedSuite, extra?: Partial<Parameters<typeof runSuite>[0]>): ReturnType<typeof runJudged>;
  dispose(): void;
}

export function judgeHarness(): JudgeHarness {
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-judge-'));
  const store = openStore(join(dir, 'llmlab.db'));
  return {
    store,
    run: (suite, extra = {}) => runJudged(store, dir, suite, extra),
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runJudged(store: Store, dir: string, suite: ResolvedSuite, extra: Partial<Parameters<typeof runSuite>[0]>) {
  const ran = await runInStore(store, dir, suite, extra);
  return { ...ran, summary: summarizeRun(store, store.runs.get(ran.outcome.run.id)!) };
}

/** A model-graded assertion judged by grader `g` (and embedder `e`), `repeat` rounds. */
export function judged(type: string, value: unknown, judge: Partial<AssertionJudge> = {}, extra: Partial<Assertion> = {}): Assertion {
  const repeat = judge.repeat ?? 1;
  return assertion(type, value, { judge: { grader: 'g', embedder: 'e', repeat, calls: repeat, ...judge }, ...extra });
}

/** A suite of one target (`mock:bot` answering `answers` by question) graded by `graders`. */
export function judgedSuite(
  questions: Record<string, string>,
  assert: Assertion[],
  graders: Record<string, ResolvedProvider>,
): ResolvedSuite {
  const answers = Object.entries(questions).map(([question, output]) => ({ vars: { question }, output }));
  return makeSuite({
    providers: [provider('mock:bot', { answers }, {}, 'bot')],
    tests: Object.keys(questions).map((question, index) => ({ id: `t${index}`, index, vars: { question }, assert })),
    graders,
  });
}

/** A grader entry against a fake server; `maxRetries` small so failures end fast. */
export function fakeGrader(id: string, config: Record<string, unknown>, maxRetries = 1): ResolvedProvider {
  return provider(id, config, { maxRetries, timeoutMs: 5000 });
}
