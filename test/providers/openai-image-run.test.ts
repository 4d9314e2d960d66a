/**
 * Image generation through the real runSuite: `openai:image:gpt-image-1` against the fake OpenAI server, the image
 * in the media store beside the database, graded by a vision judge (the scripted `mock`), and a re-run answered
 * entirely from the cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedProvider } from '../../src/config/types.js';
import { openStore, type Store } from '../../src/store/index.js';
import { judged } from '../engine/judge-harness.js';
import { makeSuite, provider } from '../engine/make-suite.js';
import { runInStore } from '../engine/run-in-store.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/openai.js';
import { fakeImageText, fakePng } from '../fakes/openai-images.js';

const PROMPT = 'a red cube left of a blue sphere';
let server: FakeServer;
let dir: string;
let store: Store;

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'llmlab-image-run-'));
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function imageProvider(): ResolvedProvider {
  const id = 'openai:image:gpt-image-1';
  return { id, type: 'openai-image', model: 'gpt-image-1', label: id, config: { baseUrl: `${server.url}/v1`, pricePerImage: 0.011 }, limits: { timeoutMs: 5000, maxRetries: 0 } };
}

/** The vision grader: questions for the description, answers for the questions, and a rubric verdict on the image. */
const visionGrader = (imageHash: string) =>
  provider('mock:vision', {
    answers: [
      { match: '[Description]', output: JSON.stringify({ questions: [{ question: 'Is there a red cube?', category: 'colour' }, { question: 'Is there a blue sphere?', category: 'colour' }] }) },
      { match: '[Questions]', output: JSON.stringify({ answers: [{ answer: 'yes', reason: 'red cube' }, { answer: 'no', reason: 'the sphere is green' }] }) },
      // Only when the request carries the generated image itself: the judge saw it.
      { image: imageHash.slice(0, 12), output: JSON.stringify({ pass: true, score: 0.9, reason: 'saw the drawn image' }) },
      { output: JSON.stringify({ pass: false, score: 0, reason: 'no image shown' }) },
    ],
  });

function suite() {
  const hash = createHash('sha256').update(fakePng(`echo: ${PROMPT}`)).digest('hex');
  return makeSuite({
    path: join(dir, 'suite.yaml'),
    baseDir: dir,
    providers: [imageProvider()],
    prompts: [{ id: 'draw', template: PROMPT, source: { file: join(dir, 'suite.yaml'), line: 2 } }],
    tests: [{ id: 't0', index: 0, vars: {}, assert: [judged('image-matches', undefined, { calls: 2 }), judged('llm-rubric', 'Shows what was asked')] }],
    graders: { g: visionGrader(hash) },
  });
}

describe('image generation in a run', () => {
  it('stores the image, grades it with a vision judge, and re-runs from the cache', async () => {
    const first = await runInStore(store, dir, suite());
    expect(first.outcome.status).toBe('completed');
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/images/generations']);
    const [cell] = first.cells;
    expect(cell!.output).toMatch(/^\[image: gpt-image-1-[0-9a-f]{8}\.png\]$/);
    expect(cell!.cost).toBe(0.011);
    const [matches, rubric] = cell!.assertions;
    expect(matches).toMatchObject({ pass: false, score: 0.5, reason: '1 of 2 checks hold (0.500); answered no: "Is there a blue sphere?" (the sphere is green)' });
    expect(rubric).toMatchObject({ pass: true, score: 0.9, reason: 'saw the drawn image' });
    // The bytes are in the media store beside the database, under their hash.
    const hash = createHash('sha256').update(fakePng(`echo: ${PROMPT}`)).digest('hex');
    const stored = join(dir, 'media', hash.slice(0, 2), hash);
    expect(existsSync(stored)).toBe(true);
    expect(fakeImageText(readFileSync(stored))).toBe(`echo: ${PROMPT}`);
    // The cell keeps the image's ref (for reports); the cached answer keeps it for the re-run's judges.
    expect(cell!.media).toEqual([{ $media: 'image', hash, mimeType: 'image/png', bytes: fakePng(`echo: ${PROMPT}`).length, name: `gpt-image-1-${hash.slice(0, 8)}.png`, path: stored }]);
    expect(first.outcome.stats).toMatchObject({ calls: 1, judgeCalls: 3 });

    const second = await runInStore(store, dir, suite());
    expect(second.outcome.stats).toMatchObject({ calls: 0, cacheHits: 1, judgeCalls: 0 });
    expect(server.requests).toHaveLength(1);
    expect(second.cells[0]!.assertions.map((a) => a.score)).toEqual([0.5, 0.9]);
    expect(second.cells[0]!.media).toEqual(cell!.media);
  });
});
