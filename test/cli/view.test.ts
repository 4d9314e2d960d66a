/**
 * `llmlab view` as a user starts it: a real process over a project's database, its banner, the token off loopback,
 * `--open` through $BROWSER, a taken port, and Ctrl-C.
 */
import { once } from 'node:events';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../config/helpers.js';
import { runCli, startCli } from './run-cli.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the CLI and waits for the whole banner (it may arrive in several chunks). */
async function started(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; stdout: () => string; stderr: () => string }> {
  const child = startCli(args, { cwd, env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  while (!stdout.includes('Ctrl-C stops it.')) {
    if (child.exitCode !== null) throw new Error(`view exited ${child.exitCode}: ${stderr}`);
    await once(child.stdout!, 'data');
  }
  return { child, stdout: () => stdout, stderr: () => stderr };
}

describe('llmlab view', () => {
  it('serves the runs page on loopback until Ctrl-C, then exits 0', async () => {
    const dir = await tempDir({ 'llmlab.config.yaml': 'suites: ["suites/*.yaml"]\n' });
    const { child, stdout, stderr } = await started(['view', '--port', '0'], dir);
    const url = /llmlab view on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout())![1]!;
    expect(stdout()).toContain('database: .llmlab/llmlab.db');
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('No runs yet');
    child.kill('SIGINT');
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(0);
    expect(stderr()).toContain('view: stopping');
  });

  it('ends the first five minutes: init, eval, then view lists the run and opens its report', async () => {
    const dir = await tempDir({});
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['eval'], { cwd: dir })).code).toBe(0);
    const { child, stdout } = await started(['view', '--port', '0'], dir);
    const url = /llmlab view on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout())![1]!;
    const runs = await (await fetch(`${url}/`)).text();
    const runId = /href="\/runs\/([^"]+)"/.exec(runs)![1]!;
    expect(runs).toContain('suites/first.yaml');
    expect(runs).toContain('data-gate="pass"');
    expect((await fetch(`${url}/runs/${runId}`)).status).toBe(200);
    child.kill('SIGINT');
    await once(child, 'close');
  });

  it('off loopback, generates a token, prints it once in the URL, and refuses requests without it', async () => {
    const dir = await tempDir({});
    const { child, stdout } = await started(['view', '--port', '0', '--host', '0.0.0.0'], dir);
    const match = /llmlab view on http:\/\/0\.0\.0\.0:(\d+)\/\?token=(\S+)/.exec(stdout())!;
    expect(stdout()).toContain('access token (generated)');
    const base = `http://127.0.0.1:${match[1]}`;
    expect((await fetch(`${base}/`)).status).toBe(401);
    const withToken = await fetch(`${base}/?token=${match[2]}`, { redirect: 'manual' });
    expect(withToken.status).toBe(303);
    expect(withToken.headers.get('location')).toBe('/');
    const cookie = withToken.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(200);
    child.kill('SIGINT');
    expect(((await once(child, 'close')) as [number])[0]).toBe(0);
  });

  it('--open starts $BROWSER with the URL', async () => {
    const dir = await tempDir({ 'browser.sh': '#!/bin/sh\necho "$1" > "$(dirname "$0")/opened.txt"\n' });
    chmodSync(join(dir, 'browser.sh'), 0o755);
    const { child, stdout } = await started(['view', '--port', '0', '--open'], dir, { BROWSER: join(dir, 'browser.sh') });
    const url = /llmlab view on (\S+)/.exec(stdout())![1]!;
    const opened = join(dir, 'opened.txt');
    while (!existsSync(opened) || readFileSync(opened, 'utf8') === '') await new Promise((r) => setTimeout(r, 25));
    expect(readFileSync(opened, 'utf8').trim()).toBe(url);
    child.kill('SIGINT');
    await once(child, 'close');
  });

  it('exits 2 with a hint when the port is taken or --port is wrong', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dir = await tempDir({});
      const taken = await runCli(['view', '--port', String(port)], { cwd: dir });
      expect(taken.code).toBe(2);
      expect(taken.stderr).toMatch(/port \d+ on 127\.0\.0\.1 is already in use/);
      const wrong = await runCli(['view', '--port', 'abc'], { cwd: dir });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('--port must be a whole number');
      const short = await runCli(['view', '--port', '0', '--token', 'abc'], { cwd: dir });
      expect(short.code).toBe(2);
      expect(short.stderr).toContain('--token is too short');
    } finally {
      blocker.close();
    }
  });
});
