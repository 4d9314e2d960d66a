/**
 * Studio runs on a real server: a run streams its draft's and saved version's cells over SSE to `done` (with
 * pass rates and the paired comparison), a late subscriber is sent every cell, the stored run is a marked subset
 * with a suite hash of its own that `--resume` passes over; a second run while one is in flight is a 409; a
 * budget stops the run as the engine does (cells skipped); a stop ends a run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/config/load-suite.js';
import type { RunningView } from '../../../src/view/server.js';
import type { StudioCell, StudioDone } from '../../../src/view/studio-cells.js';
import { startTestView, viewProject, type ViewProject } from '../helpers.js';
import { MARKUP_ANSWER, writeStudioProject } from '../studio-fixture.js';

let project: ViewProject | undefined;
let view: RunningView | undefined;
afterEach(async () => {
  await view?.close();
  project?.dispose();
  view = undefined;
  project = undefined;
});

async function start(options: { slow?: boolean } = {}): Promise<RunningView> {
  project = viewProject();
  writeStudioProject(project.dir, options);
  view = await startTestView(project);
  return view;
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${view!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-llmlab-csrf': view!.context.csrf },
    body: JSON.stringify(body),
  });
}

/** Reads the run's event stream to its end: every event's name and parsed data, in order. */
async function events(runId: string): Promise<Array<{ event: string; data: unknown }>> {
  const response = await fetch(`${view!.url}/api/studio/runs/${runId}/events`);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [first, ...rest] = block.split('\n');
      return { event: first!.slice('event: '.length), data: JSON.parse(rest.map((l) => l.slice('data: '.length)).join('\n')) };
    });
}

const RUN = { suite: 'suites/support.yaml', promptId: 'ask', template: 'SHOUT: {{ question }}' };

describe('a studio run', () => {
  it('streams the draft\'s and the saved version\'s cells to done, and is stored as a marked studio subset', async () => {
    await start();
    const started = await post('/api/studio/runs', { ...RUN, tests: ['refund', 'hours'], providers: ['bot'] });
    expect(started.status).toBe(201);
    const { runId, cells } = (await started.json()) as { runId: string; cells: number };
    expect(cells).toBe(4);
    const stream = await events(runId);
    const cellEvents = stream.filter((e) => e.event === 'cell').map((e) => e.data as StudioCell);
    expect(cellEvents.map((c) => `${c.draft ? 'draft' : 'saved'}/${c.testId}/${c.providerLabel}`).sort()).toEqual([
      'draft/hours/bot', 'draft/refund/bot', 'saved/hours/bot', 'saved/refund/bot',
    ]);
    const savedRefund = cellEvents.find((c) => !c.draft && c.testId === 'refund')!;
    expect(savedRefund).toMatchObject({ promptId: 'ask', status: 'pass', output: MARKUP_ANSWER, assertions: [{ metric: 'contains', pass: true }] });
    // The draft shouts, so the mock answers its scripted line for every question: the refund test fails.
    expect(cellEvents.find((c) => c.draft && c.testId === 'refund')).toMatchObject({ promptId: 'draft:ask', status: 'fail', output: 'OPEN ALL DAY' });
    expect(stream.at(-1)!.event).toBe('done');
    const done = stream.at(-1)!.data as StudioDone;
    expect(done).toMatchObject({ runId, status: 'completed' });
    expect(done.targets.map((t) => [t.promptId, t.providerLabel, t.passed, t.cells])).toEqual([['ask', 'bot', 2, 2], ['draft:ask', 'bot', 1, 2]]);
    expect(done.targets[0]!.interval).toEqual({ low: expect.any(Number), high: 1 });
    expect(done.comparisons).toEqual([expect.objectContaining({ providerLabel: 'bot', n: 2, passRateSaved: 1, passRateDraft: 0.5, savedOnly: 1, draftOnly: 0 })]);

    // A late subscriber is sent the whole run again.
    expect((await events(runId)).map((e) => e.event)).toEqual(stream.map((e) => e.event));

    const run = project!.store.runs.get(runId)!;
    expect(run.suitePath).toBe(join(project!.dir, 'suites', 'support.yaml'));
    expect(run.options.studio).toEqual({ promptId: 'ask', draftHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(run.options.subset).toMatchObject({ select: { prompts: ['ask', 'draft:ask'], providers: ['bot'], tests: ['refund', 'hours'] }, cells: 4 });
    expect(run.options.promptHashes?.['draft:ask']).toBe(run.options.studio?.draftHash);
    // Not the suite's hash: `llmlab eval --resume` of the suite never continues a studio run.
    expect(run.suiteHash).not.toBe((await loadSuite(run.suitePath, view!.context.project)).hash);
  });

  it('refuses a second run while one is in flight (409); a stop ends it, and --resume passes it over', async () => {
    await start({ slow: true });
    const first = await post('/api/studio/runs', { ...RUN, providers: ['slow'], tests: ['hours'] });
    expect(first.status).toBe(201);
    const { runId } = (await first.json()) as { runId: string };
    const second = await post('/api/studio/runs', RUN);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { message: string } }).error.message).toBe(`a studio run is in flight (${runId})`);
    expect(await (await fetch(`${view!.url}/api/studio/runs`)).json()).toEqual({ active: { runId, suite: 'suites/support.yaml', promptId: 'ask', cells: 2 } });
    // A page that goes away ends its stream, not the run.
    const leaving = new AbortController();
    const stream1 = await fetch(`${view!.url}/api/studio/runs/${runId}/events`, { signal: leaving.signal });
    expect(stream1.status).toBe(200);
    leaving.abort();
    expect(await (await fetch(`${view!.url}/api/studio/runs`)).json()).toMatchObject({ active: { runId } });
    const stopped = await post(`/api/studio/runs/${runId}/stop`, {});
    expect(await stopped.json()).toEqual({ stopped: true });
    const stream = await events(runId);
    expect(stream.at(-1)).toMatchObject({ event: 'done', data: { status: 'interrupted' } });
    const run = project!.store.runs.get(runId)!;
    expect(run.status).toBe('interrupted');
    expect(project!.store.runs.latestUnfinished(run.suitePath)).toBeUndefined();
    // The next run may start.
    const third = await post('/api/studio/runs', { ...RUN, providers: ['bot'], tests: ['thanks'] });
    expect(third.status).toBe(201);
    expect((await events(((await third.json()) as { runId: string }).runId)).at(-1)!.event).toBe('done');
    expect((await post('/api/studio/runs/nope/stop', {})).status).toBe(404);
  });

  it('closing the server stops a run in flight and stores it as interrupted', async () => {
    await start({ slow: true });
    const first = await post('/api/studio/runs', { ...RUN, providers: ['slow'], tests: ['hours'] });
    const { runId } = (await first.json()) as { runId: string };
    expect(project!.store.runs.get(runId)!.status).toBe('running');
    await view!.close();
    view = undefined;
    expect(project!.store.runs.get(runId)!.status).toBe('interrupted');
  });

  it('runs under the suite\'s budget: cells past it are skipped as the engine skips them', async () => {
    await start();
    writeFileSync(join(project!.dir, 'suites', 'budget.yaml'), BUDGET_SUITE);
    const started = await post('/api/studio/runs', { suite: 'suites/budget.yaml', promptId: 'plain', template: 'Briefly: {{ question }}' });
    expect(started.status).toBe(201);
    const { runId } = (await started.json()) as { runId: string };
    const stream = await events(runId);
    const cells = stream.filter((e) => e.event === 'cell').map((e) => e.data as StudioCell);
    expect(cells.some((c) => c.status === 'skipped' && c.skipReason === 'budget')).toBe(true);
    expect(stream.some((e) => e.event === 'budget' && (e.data as { level: string }).level === 'stop')).toBe(true);
    const done = stream.at(-1)!;
    expect(done).toMatchObject({ event: 'done', data: { status: 'interrupted', budget: { stopped: true, limitUsd: 0.01 } } });
    expect((done.data as StudioDone).budget!.spentUsd).toBeLessThanOrEqual(0.01);
  });
});

/** Priced mock models and a budget too small for every call (as suites/examples/budget.yaml). */
const BUDGET_SUITE = `prices:
  mock:premium: { input: 30.00, output: 120.00 }
budget:
  maxUsd: 0.01
  onExceed: stop
providers:
  - id: mock:premium
    config:
      default: A careful answer that restates the question and weighs the options one by one before it recommends.
prompts:
  - id: plain
    template: 'Answer: {{ question }}'
tests:
${Array.from({ length: 6 }, (_, i) => `  - vars: { question: Question number ${i + 1} about databases? }`).join('\n')}
`;
