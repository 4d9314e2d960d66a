/**
 * A server that echoes the API key back — in the answer, in an error body, in a retried failure — must not get
 * the key into the database, a report, the stream file or the terminal, plain or disguised (base64, also inside
 * a longer base64 text such as `Basic …`; spaced out; reversed; hex).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';

const KEY = 'sk-echo-SECRET-8d41f0a7c2';
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const FORMS = {
  exact: KEY,
  base64: b64(KEY),
  'base64 of Bearer': b64(`Bearer ${KEY}`),
  'base64 of user:key': b64(`user:${KEY}`),
  'base64url, one byte later': Buffer.from(`x${KEY}`).toString('base64url'),
  spaced: KEY.split('').join(' '),
  hyphenated: KEY.split('').join('-'),
  reversed: [...KEY].reverse().join(''),
  hex: Buffer.from(KEY).toString('hex'),
};
// What a careless server might say: every form of the key, each in a sentence.
const ECHO = Object.entries(FORMS).map(([how, text]) => `${how}: ${text}.`).join(' ');
/** Text that must not appear anywhere: each form, and the parts of the base64 forms that carry the key. */
const NEEDLES = { ...FORMS, 'base64 core': b64(KEY).slice(0, 20), 'reversed core': FORMS.reversed.slice(2, 18) };

let dir: string;
let openai: FakeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-secrets-echo-'));
  openai = await startFakeOpenAI({ apiKey: KEY, answer: () => `Sure. ${ECHO}` });
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 1\n');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${openai.url}/v1", maxRetries: 1 }\n` +
      'prompts: ["Say {{ word }}"]\ntests:\n' +
      '  - vars: { word: hello }\n    assert: [{ type: icontains, value: sure }, { type: regex, value: "sk-\\\\S+" }]\n' +
      '  - vars: { word: error-case }\n',
  );
});
afterAll(async () => {
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets echoed by a server', () => {
  it('are redacted from the database, every report, the stream file and the terminal', async () => {
    const outputs = ['report.json', 'report.md', 'report.html', 'report.xml', 'report.csv', 'report.jsonl'];
    const r = await runCli(
      ['eval', 'suite.yaml', '-j', '1', '--output-stream', 'stream.jsonl', ...outputs.flatMap((o) => ['-o', o])],
      { cwd: dir, env: { OPENAI_API_KEY: KEY } },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    // The key was really used: the fake server rejects any other.
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const hello = report.cells.find((c: { vars: { word: string } }) => c.vars.word === 'hello');
    expect(hello.output).toContain('exact: [REDACTED:OPENAI_API_KEY].');
    expect(hello.output).toContain('base64: [REDACTED:OPENAI_API_KEY].');
    expect(hello.output).toContain('spaced: [REDACTED:OPENAI_API_KEY].');
    // Grading saw the real answer: the regex found the key; only what is kept is redacted.
    expect(hello.status).toBe('pass');

    const files = [
      ...outputs,
      'stream.jsonl',
      ...readdirSync(join(dir, '.llmlab')).map((f) => join('.llmlab', f)),
    ].filter((f) => existsSync(join(dir, f)));
    expect(files.some((f) => f.endsWith('llmlab.db'))).toBe(true);
    const places: Record<string, string> = { stdout: r.stdout, stderr: r.stderr };
    for (const f of files) places[f] = readFileSync(join(dir, f), 'latin1');
    for (const [where, text] of Object.entries(places)) {
      for (const [how, needle] of Object.entries(NEEDLES)) {
        expect(text.includes(needle), `${how} form of the key in ${where}`).toBe(false);
      }
    }
  });

  it('in an error body and a retried failure are redacted too', async () => {
    openai.setBehaviour({
      failures: [
        { status: 500, message: `upstream saw ${b64(KEY)}` },
        { status: 400, message: `bad key ${b64(`Bearer ${KEY}`)} (${FORMS.spaced})` },
      ],
    });
    const r = await runCli(['eval', 'suite.yaml', '-j', '1', '--no-cache', '-o', 'errors.json'], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY },
    });
    expect(r.stderr).not.toMatch(/internal error/);
    const report = readFileSync(join(dir, 'errors.json'), 'utf8');
    expect(report).toMatch(/bad key \[REDACTED:OPENAI_API_KEY\]/);
    const places: Record<string, string> = { report, stdout: r.stdout, stderr: r.stderr };
    for (const f of readdirSync(join(dir, '.llmlab'))) places[f] = readFileSync(join(dir, '.llmlab', f), 'latin1');
    for (const [where, text] of Object.entries(places)) {
      for (const [how, needle] of Object.entries(NEEDLES)) {
        expect(text.includes(needle), `${how} form of the key in ${where}`).toBe(false);
      }
    }
  });
});
