/** A small fixed run (and a baseline of it) with every status, for the Markdown, JUnit and CSV snapshot tests. */
import type { RunRecord, Store } from '../../src/store/index.js';
import type { CellResult, CellStatus } from '../../src/types.js';

const PROVIDERS = ['careful-bot', 'terse-bot'];
const PROMPTS = ['one-sentence', 'bullet'];
const TESTS = [
  { id: 'capital-fr', description: 'capital of France', vars: { country: 'France' } },
  { id: 'capital-jp', description: 'capital of Japan', vars: { country: 'Japan', strict: true } },
  { id: 'tricky', vars: { country: 'Atlantis', note: 'a, "quoted"\nline' } },
];

/** Verdicts by provider, prompt, test: the candidate run. */
const CANDIDATE: Record<string, CellStatus[]> = {
  'careful-bot/one-sentence': ['pass', 'pass', 'pass'],
  'careful-bot/bullet': ['pass', 'fail', 'pass'],
  'terse-bot/one-sentence': ['pass', 'fail', 'error'],
  'terse-bot/bullet': ['fail', 'skipped', 'fail'],
};

/** The baseline: three cells regress in the candidate and one is fixed. */
const BASELINE: Record<string, CellStatus[]> = {
  'careful-bot/one-sentence': ['pass', 'pass', 'pass'],
  'careful-bot/bullet': ['pass', 'pass', 'fail'],
  'terse-bot/one-sentence': ['pass', 'pass', 'fail'],
  'terse-bot/bullet': ['pass', 'fail', 'fail'],
};

export function fixedCells(verdicts: Record<string, CellStatus[]> = CANDIDATE, costScale = 1): CellResult[] {
  const cells: CellResult[] = [];
  for (const [t, test] of TESTS.entries()) {
    for (const prompt of PROMPTS) {
      for (const provider of PROVIDERS) {
        const status = verdicts[`${provider}/${prompt}`]![t]!;
        const output = status === 'error' ? '' : `${provider} says: ${String(test.vars.country)} <b>|</b>\n\`done\``;
        cells.push({
          cellId: `${provider}:${prompt}:${test.id}:0`,
          providerId: provider === 'careful-bot' ? 'mock:careful' : 'mock:terse',
          providerLabel: provider,
          promptId: prompt,
          testId: test.id,
          testIndex: t,
          repeatIndex: 0,
          description: test.description,
          vars: test.vars,
          prompt: `Answer about ${String(test.vars.country)}`,
          output,
          status,
          score: status === 'pass' ? 1 : 0,
          assertions:
            status === 'error' || status === 'skipped'
              ? []
              : [
                  { type: 'icontains', metric: 'icontains', pass: status === 'pass', score: status === 'pass' ? 1 : 0, weight: 1, reason: status === 'pass' ? undefined : 'expected output to contain "Paris"' },
                  { type: 'not-contains', metric: 'no-apology', pass: true, score: 1, weight: 1 },
                ],
          latencyMs: 100 + t * 25 + (provider === 'terse-bot' ? 1000 : 0),
          usage: status === 'error' ? undefined : { input: 12 + t, output: 7, total: 19 + t },
          cost: status === 'error' ? 0 : 0.0015 * costScale,
          cached: t === 0,
          finishReason: status === 'error' ? undefined : 'stop',
          error: status === 'error' ? 'HTTP 503: upstream unavailable' : status === 'skipped' ? 'skipped: budget' : undefined,
        });
      }
    }
  }
  return cells;
}

/** Stores `cells` as a completed run with fixed timestamps, so snapshots do not change from run to run. */
export function storeFixedRun(store: Store, cells: CellResult[], at: number, repeat = 1): RunRecord {
  const run = store.runs.create({
    suitePath: '/repo/suites/capitals.yaml', suiteHash: 'h1', description: 'Capitals', totalCells: cells.length,
    options: { concurrency: 2, repeat, cache: true, llmlabVersion: 't', minPassRate: 0.8, providers: PROVIDERS, prompts: PROMPTS },
    gitSha: 'abcdef0123456789',
  });
  cells.forEach((c, i) => store.results.put(run.id, c, i));
  store.runs.setStatus(run.id, 'completed');
  store.db.prepare('UPDATE runs SET created_at = ?, finished_at = ? WHERE id = ?').run(at, at + 5000, run.id);
  return store.runs.get(run.id)!;
}

export function storeBaselineRun(store: Store): RunRecord {
  return storeFixedRun(store, fixedCells(BASELINE, 0.5), Date.UTC(2024, 0, 1));
}

export function storeCandidateRun(store: Store): RunRecord {
  return storeFixedRun(store, fixedCells(), Date.UTC(2024, 0, 2));
}
