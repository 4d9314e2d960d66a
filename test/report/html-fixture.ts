/** Runs for the HTML report tests: a candidate with every kind of cell, and a baseline it regresses and fixes. */
import type { RunRecord, Store } from '../../src/store/index.js';
import type { AssertionResult, CellResult, CellStatus } from '../../src/types.js';

/** A model output that would run script if the page ever parsed it as HTML. */
export const XSS_OUTPUT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

export const PROVIDERS = ['bot-a', 'bot-b'];
export const PROMPT = 'support';
/** Passing filler tests after the interesting ones, so the matrix has more than one page of rows. */
export const FILLER_TESTS = 150;

interface TestSpec {
  id: string;
  description: string;
  vars: Record<string, unknown>;
  /** Per provider, per repeat: status and output. */
  cells: Record<string, Array<[CellStatus, string]>>;
}

const ok = (output: string): Array<[CellStatus, string]> => [['pass', output], ['pass', output]];

/** The candidate run's tests; the baseline differs only where noted in {@link storeBaseline}. */
function candidateTests(): TestSpec[] {
  const specs: TestSpec[] = [
    { id: 'xss', description: 'model answers with markup', vars: { question: 'say <b>hi</b>' }, cells: { 'bot-a': ok(XSS_OUTPUT), 'bot-b': ok('hello there') } },
    { id: 'capital', description: 'capital of France', vars: { question: 'What is the capital of France?' }, cells: { 'bot-a': ok('Paris'), 'bot-b': ok('Paris.') } },
    {
      id: 'refund',
      description: 'refund policy mentions the window',
      vars: { question: 'Can I get a refund?' },
      cells: { 'bot-a': [['fail', 'Please contact us.'], ['fail', 'Please contact us.']], 'bot-b': ok('Refunds within 30 days.') },
    },
    {
      id: 'timeout',
      description: 'long essay times out',
      vars: { question: 'Write an essay' },
      cells: { 'bot-a': ok('An essay about refunds.'), 'bot-b': [['error', ''], ['error', '']] },
    },
    {
      id: 'coin',
      description: 'coin flip answer',
      vars: { question: 'heads or tails?' },
      cells: { 'bot-a': [['pass', 'heads'], ['fail', 'tails']], 'bot-b': ok('heads') },
    },
  ];
  for (let i = 0; i < FILLER_TESTS; i++) {
    specs.push({ id: `filler-${i}`, description: `filler question ${i}`, vars: { n: i }, cells: { 'bot-a': ok(`answer ${i}`), 'bot-b': ok(`answer ${i}`) } });
  }
  return specs;
}

function assertionsFor(status: CellStatus, output: string): AssertionResult[] {
  if (status === 'error' || status === 'skipped') return [];
  const pass = status === 'pass';
  return [
    { type: 'icontains', metric: 'icontains', pass, score: pass ? 1 : 0, weight: 1, reason: pass ? 'found' : `expected "refund" in "${output}"` },
    { type: 'javascript', metric: 'short', pass: true, score: 1, weight: 0.5, reason: 'output.length < 500' },
  ];
}

function toCells(specs: TestSpec[]): CellResult[] {
  return specs.flatMap((spec, index) =>
    PROVIDERS.flatMap((provider) =>
      spec.cells[provider]!.map(([status, output], repeat): CellResult => ({
        cellId: `${provider}:${PROMPT}:${spec.id}:${repeat}`,
        providerId: `echo:${provider}`,
        providerLabel: provider,
        promptId: PROMPT,
        testId: spec.id,
        testIndex: index,
        repeatIndex: repeat,
        description: spec.description,
        vars: spec.vars,
        prompt: `Answer the customer: ${String(spec.vars.question ?? spec.vars.n)}`,
        output,
        status,
        score: status === 'pass' ? 1 : 0,
        assertions: assertionsFor(status, output),
        latencyMs: provider === 'bot-a' ? 120 : 480,
        usage: { input: 20, output: 8, total: 28 },
        cost: provider === 'bot-a' ? 0.0001 : 0.0004,
        cached: repeat === 1,
        finishReason: 'stop',
        ...(status === 'error' ? { error: 'timeout after 30000 ms' } : {}),
      })),
    ),
  );
}

function store(s: Store, cells: CellResult[], gitSha: string): RunRecord {
  const run = s.runs.create({
    suitePath: '/suites/support.yaml',
    suiteHash: 'hash-1',
    description: 'Support bot <em>regression</em> suite',
    totalCells: cells.length,
    options: { concurrency: 4, repeat: 2, cache: true, llmlabVersion: 'test', providers: PROVIDERS, prompts: [PROMPT] },
    gitSha,
  });
  cells.forEach((c, i) => s.results.put(run.id, c, i));
  s.runs.setStatus(run.id, 'completed');
  return s.runs.get(run.id)!;
}

/** The candidate: xss, capital, refund (fails on bot-a), timeout (errors on bot-b), coin (flaky on bot-a), fillers. */
export function storeCandidate(s: Store): RunRecord {
  return store(s, toCells(candidateTests()), 'c0ffee0000000000000000000000000000000001');
}

/** The baseline: refund passed on bot-a (so the candidate regressed it), filler-7 failed on bot-b (so it was fixed). */
export function storeBaseline(s: Store): RunRecord {
  const specs = candidateTests().map((spec): TestSpec => {
    if (spec.id === 'refund') return { ...spec, cells: { ...spec.cells, 'bot-a': ok('Refunds within 30 days.') } };
    if (spec.id === 'filler-7') return { ...spec, cells: { ...spec.cells, 'bot-b': [['fail', 'no idea'], ['fail', 'no idea']] } };
    return spec;
  });
  return store(s, toCells(specs), 'ba5e000000000000000000000000000000000002');
}
