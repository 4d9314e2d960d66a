/**
 * `llmlab show <run> [test]` on runs made offline (a scripted mock provider and echo), in this process: the list of
 * tests, one test side by side at the terminal's width, and against a baseline with a word diff.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli, type CliResult } from './run-cli.js';

let dir: string;

/** A suite whose bot answers the refund question with `refund`; echo repeats the prompt. */
function suite(refund: string): string {
  return `description: show fixture
providers:
  - id: mock:bot
    label: bot
    config:
      answers:
        - { match: refund, output: "${refund}" }
      default: Hello there.
  - echo
prompts: ["Q: {{ q }}"]
tests:
  - description: greets
    vars: { q: hi }
  - description: refund time
    vars: { q: How long does a refund take? }
    assert:
      - { type: regex, value: "\\\\d+ business days" }
`;
}

/** `llmlab …args` on a terminal `columns` wide. */
async function onTerminal(args: string[], columns: number): Promise<CliResult> {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, {
    stdout: { write: (text) => void (out.stdout += text), isTTY: true, columns },
    stderr: { write: (text) => void (out.stderr += text) },
    env: { ...process.env, CI: 'true', LLMLAB_DB: '' },
    cwd: dir,
  });
  return { code, ...out };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-show-'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'suites: [s.yaml]\n');
  writeFileSync(join(dir, 's.yaml'), suite('Refunds take 5 business days.'));
  expect((await runCli(['eval', 's.yaml'], { cwd: dir })).code).toBe(1);
  writeFileSync(join(dir, 's.yaml'), suite('Refunds take a while.'));
  expect((await runCli(['eval', 's.yaml'], { cwd: dir })).code).toBe(1);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmlab show', () => {
  it('without a test, lists the run\'s tests, failing first, and how to show one', async () => {
    const r = await runCli(['show', 'latest'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [head, count, refund, greets, hint] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^run \S+ · s\.yaml \(completed\)$/);
    expect(count).toBe('2 tests, 1 with a failed or errored cell (listed first)');
    expect(refund).toMatch(/^ {2}[0-9a-f]{12} {2}refund time {2}2 fail \(prompt-1 × bot, prompt-1 × echo\)$/);
    expect(greets).toMatch(/^ {2}[0-9a-f]{12} {2}greets {7}2 pass$/);
    expect(hint).toMatch(/^show one \(by id or whole description\): llmlab show \S+ [0-9a-f]{12}$/);
  });

  it('shows one test\'s cells side by side when they fit the terminal, the words of a description unquoted', async () => {
    const r = await onTerminal(['show', 'latest', 'refund', 'time'], 100);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    expect(r.stdout).toMatch(/^test [0-9a-f]{12} · refund time\nvars: \{"q":"How long does a refund take\?"\}\n/m);
    expect(lines).toContainEqual(expect.stringMatching(/^ +│ prompt-1 × bot +│ prompt-1 × echo$/));
    expect(lines).toContainEqual(expect.stringMatching(/^verdict +│ FAIL +│ FAIL \(cached\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^prompt +│ Q: How long does a refund take\? +│ Q: How long does a refund take\?$/));
    expect(lines).toContainEqual(expect.stringMatching(/^output +│ Refunds take a while\. +│ Q: How long does a refund take\?$/));
    expect(lines).toContainEqual(expect.stringMatching(/^asserts +│ ✗ regex: no match for \/\\d\+ business days\/ +│ ✗ regex/));
  });

  it('stacks the cells on a narrow terminal, and at 80 columns when not on a terminal', async () => {
    const narrow = await onTerminal(['show', 'latest', 'refund time'], 50);
    for (const line of narrow.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
    expect(narrow.stdout).toMatch(/^ {10} │ prompt-1 × bot\n─{11}┼─+\nverdict {4}│ FAIL$/m);
    const piped = await runCli(['show', 'latest', 'refund time'], { cwd: dir });
    for (const line of piped.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('with --baseline, adds the baseline\'s output of the same test and a word diff', async () => {
    const r = await onTerminal(['show', 'latest', 'refund time', '--baseline', 'latest~1'], 120);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^baseline: run \S+ \(latest~1\)$/m);
    const lines = r.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^baseline +│ PASS +│ FAIL$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ +│ Refunds take 5 business days\. +│ Q: How long/));
    expect(lines).toContainEqual(expect.stringMatching(/^diff +│ Refunds take \[-5 business days-\]\{\+a while\+\}\. +│ \(same output as the baseline\)$/));
  });

  it('names close matches for an unknown test, and exits 2 without a stack trace', async () => {
    const r = await runCli(['show', 'latest', 'refund'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^llmlab: no test `refund` in run \S+\n {2}hint: did you mean `refund time`\? \(`llmlab show \S+` lists the tests\)\n$/);
    const noRun = await runCli(['show', 'nope'], { cwd: dir });
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/no run `nope`/);
  });
});
