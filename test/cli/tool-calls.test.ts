/**
 * Tool calls end to end through the fake OpenAI server: a prompt declares tools, the model's calls are graded by
 * `is-valid-openai-tools-call`, kept in the report and the store, shown by `llmlab show`, and a cached re-run gives
 * the same calls and verdicts without a request.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';

let dir: string;
let openai: FakeServer;

// The fake answers a `call <name> <arguments>` line of the prompt with that call (test/fakes/tool-script.ts).
const suite = (url: string) => `providers:
  - id: openai:gpt-4o-mini
    config: { baseUrl: "${url}/v1" }
prompts:
  - id: weather
    template: "{{ request }}"
    tools:
      - type: function
        function:
          name: get_weather
          parameters: { type: object, properties: { city: { type: string } }, required: [city] }
tests:
  - description: valid
    vars: { request: 'call get_weather {"city":"Paris"}' }
    assert: [{ type: is-valid-openai-tools-call }, { type: tool-call-f1, value: get_weather }]
  - description: invalid
    vars: { request: 'call get_weather {"city":5}' }
    assert: [{ type: is-valid-openai-tools-call }]
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-tools-cli-'));
  openai = await startFakeOpenAI();
  writeFileSync(join(dir, 'suite.yaml'), suite(openai.url));
});
afterAll(async () => {
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ReportCell {
  description: string;
  status: string;
  cached: boolean;
  output: string;
  toolCalls?: Array<{ name: string; arguments: string }>;
  assertions: Array<{ pass: boolean; reason?: string }>;
}

/** The report's cells, once the report is checked against schemas/report.schema.json. */
function cellsOf(file: string): ReportCell[] {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cells: ReportCell[] };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')));
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  return report.cells;
}

const verdicts = (cells: ReportCell[]) => cells.map((c) => [c.description, c.status, c.toolCalls, c.assertions.map((a) => [a.pass, a.reason])]);

describe('tool calls from the CLI', () => {
  it('counts the tools as input in `llmlab plan` (before any run: nothing cached): they are sent, and billed, with every call', async () => {
    writeFileSync(join(dir, 'bare.yaml'), suite(openai.url).replace(/ {4}tools:\n(?: {6,}.*\n)+/, ''));
    const tokens = async (file: string) => {
      const r = await runCli(['plan', file], { cwd: dir });
      expect(r.stderr).toBe('');
      return Number(/~(\d+) input tokens/.exec(r.stdout)?.[1]);
    };
    const bare = await tokens('bare.yaml');
    expect(bare).toBeGreaterThan(0);
    expect(await tokens('suite.yaml')).toBeGreaterThan(bare + 20);
  });

  it('validates the calls against the declared tools, keeps them in the report, and a cached re-run agrees', async () => {
    const first = await runCli(['eval', 'suite.yaml', '-o', 'first.json'], { cwd: dir });
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(1); // the invalid call fails its test
    // The failures block shows the call the model made, not an empty output.
    expect(first.stdout).toContain('FAIL  invalid  weather × openai:gpt-4o-mini  output: "→ get_weather({\\"city\\":5})"');
    expect(openai.requests.map((r) => r.body.tools?.[0]?.function?.name)).toEqual(['get_weather', 'get_weather']);
    const cells = cellsOf('first.json');
    expect(verdicts(cells)).toEqual([
      ['valid', 'pass', [{ id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}' }], [
        [true, '1 valid tool call: get_weather'],
        [true, expect.stringMatching(/^tool-call F1 1\.000/)],
      ]],
      ['invalid', 'fail', [{ id: expect.any(String), name: 'get_weather', arguments: '{"city":5}' }], [
        [false, 'call 1 get_weather({"city":5}): arguments do not match the parameters of `get_weather`: /city must be string'],
      ]],
    ]);
    expect(cells.map((c) => [c.output, c.cached])).toEqual([['', false], ['', false]]);

    const again = await runCli(['eval', 'suite.yaml', '-o', 'again.json'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(openai.requests).toHaveLength(2); // every answer came from the cache
    const cached = cellsOf('again.json');
    expect(cached.every((c) => c.cached)).toBe(true);
    expect(verdicts(cached)).toEqual(verdicts(cells));
  });

  it('shows the calls after the output in `llmlab show`', async () => {
    const r = await runCli(['show', 'latest', 'valid'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('→ get_weather({"city":"Paris"})');
  });
});
