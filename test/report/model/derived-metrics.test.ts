/**
 * derivedMetrics end to end: loaded from YAML, run by the real engine on a mock provider, computed from the stored
 * scores as sums per target (the F1 example of promptfoo's docs), and refused at load time when they read a name
 * no assertion reports.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/config/load-suite.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { openStore } from '../../../src/store/index.js';
import { flatten, project, tempDir } from '../../config/helpers.js';
import { runInStore } from '../../engine/run-in-store.js';

const stores: Array<{ close(): void }> = [];
afterAll(() => stores.forEach((s) => s.close()));

const SUITE = `
providers:
  - id: mock:classifier
    config:
      answers:
        - { match: "great", output: positive }
        - { match: "awful", output: negative }
        - { match: "fine", output: positive }
prompts: ["Sentiment of: {{ text }}"]
defaultTest:
  assert:
    - { type: javascript, value: "output === 'positive' && vars.expected === 'positive' ? 1 : 0", metric: tp, weight: 0 }
    - { type: javascript, value: "output === 'positive' && vars.expected === 'negative' ? 1 : 0", metric: fp, weight: 0 }
    - { type: javascript, value: "output === 'negative' && vars.expected === 'positive' ? 1 : 0", metric: fn, weight: 0 }
tests:
  - vars: { text: great, expected: positive }
  - vars: { text: awful, expected: negative }
  - vars: { text: fine, expected: negative }
  - vars: { text: great again, expected: positive }
derivedMetrics:
  - { name: precision, value: "tp / (tp + fp)" }
  - { name: recall, value: "tp / (tp + fn)" }
  - { name: f1, value: "2 * precision * recall / (precision + recall)" }
  - { name: nothing, value: "fn / fn" }
`;

describe('derivedMetrics', () => {
  it('computes each expression from the sums of the named scores, later ones from earlier ones', async () => {
    const dir = await tempDir({ 'suite.yaml': SUITE });
    const suite = await loadSuite(join(dir, 'suite.yaml'), project);
    const store = openStore(join(dir, 'llmlab.db'));
    stores.push(store);
    const { outcome } = await runInStore(store, dir, suite);
    const summary = summarizeRun(store, outcome.run);
    const byName = Object.fromEntries((summary.derivedMetrics ?? []).map((d) => [d.name, d.value]));
    // tp = 2 (great, great again), fp = 1 (fine), fn = 0.
    expect(byName.precision).toBeCloseTo(2 / 3);
    expect(byName.recall).toBe(1);
    expect(byName.f1).toBeCloseTo(0.8);
    // 0 / 0 is not a number: reported as undefined, never as 0.
    expect(byName.nothing).toBeNull();
  });

  it('refuses a name that no assertion reports, with a did-you-mean at the line', async () => {
    const dir = await tempDir({ 'suite.yaml': SUITE.replace('tp / (tp + fp)', 'tp / (tp + fpp)') });
    const error = await loadSuite(join(dir, 'suite.yaml'), project).catch((e: unknown) => e);
    const [seen] = flatten(error, dir);
    expect(seen).toMatchObject({ code: 'CONFIG_INVALID', at: expect.stringMatching(/^suite\.yaml:21:/) });
    expect(seen!.message).toContain('reads `fpp`, which no assertion reports');
    expect(seen!.hint).toContain('fp');
  });

  it('refuses an expression that does not parse, naming the character', async () => {
    const dir = await tempDir({ 'suite.yaml': SUITE.replace('tp / (tp + fn)', 'tp / (tp + fn') });
    const [seen] = flatten(await loadSuite(join(dir, 'suite.yaml'), project).catch((e: unknown) => e), dir);
    expect(seen!.message).toContain('expected `)` at character 14');
  });
});
