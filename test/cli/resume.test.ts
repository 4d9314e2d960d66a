import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { writeOpenAISuite } from './openai-suite.js';
import { runCli, startCli } from './run-cli.js';

let dir: string;
let server: FakeServer;
const TESTS = 60;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-resume-'));
  server = await startFakeOpenAI({ latencyMs: 40 });
  writeOpenAISuite(dir, server.url, TESTS);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function storedResults(): number {
  const db = new Database(join(dir, '.llmlab/llmlab.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('resume after kill -9', () => {
  it('continues the killed run: finished cells are not called again and the report is the whole run', async () => {
    const child = startCli(['eval', 'suite.yaml'], { cwd: dir });
    await waitFor(() => {
      try {
        return storedResults() >= 10;
      } catch {
        return false; // the database is not created yet
      }
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const saved = storedResults();
    expect(saved).toBeLessThan(TESTS);
    const before = server.requests.length;

    const resumed = await runCli(['eval', 'suite.yaml', '--resume', '-o', 'report.json'], { cwd: dir });
    expect(resumed.stderr).toMatch(new RegExp(`${TESTS} cells \\(${saved} already done, resuming\\)`));
    expect(resumed.code).toBe(0);
    expect(server.requests.length - before).toBe(TESTS - saved);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.run.status).toBe('completed');
    expect(report.cells).toHaveLength(TESTS);
    expect(new Set(report.cells.map((c: { testId: string }) => c.testId)).size).toBe(TESTS);

    const nothingLeft = await runCli(['eval', 'suite.yaml', '--resume'], { cwd: dir });
    expect(nothingLeft.code).toBe(2);
    expect(nothingLeft.stderr).toMatch(/no unfinished run of .*suite\.yaml to resume/);
  });

  it('stops on SIGINT: saves what finished, exits 130 and prints the resume command', async () => {
    const child = startCli(['eval', 'suite.yaml', '--no-cache'], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => {
      try {
        return /run \S+: \d+ cells/.test(stderr) && storedResults() >= 1;
      } catch {
        return false; // the database is not created yet
      }
    });
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: resume with `llmlab eval suite\.yaml --resume \S+`/);
    const resumed = await runCli(['eval', 'suite.yaml', '--resume'], { cwd: dir });
    expect(resumed.code).toBe(0);
  });
});
