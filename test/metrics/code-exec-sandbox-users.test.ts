/**
 * The sandbox's guarantees hold whoever runs llmlab: every hostile completion of ./sandbox-attacks.ts, run by a
 * separate "llmlab" process (test/fixtures/sandbox/run-attacks.ts) as an ordinary user (uid 65534 via setpriv
 * when the tests run as root, as CI does), with a secret in that process's own environment; and no process of
 * a cell outlives an llmlab that is SIGKILLed mid-cell, as root or as that user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxChoice } from '../../src/metrics/code-exec-sandbox.js';
import { ATTACKS, attackContext, processesWith, type AttackContext, type AttackReport } from './sandbox-attacks.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/sandbox/run-attacks.ts', import.meta.url));
// An absolute loader path, as in test/cli/run-cli.ts.
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const root = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
/** As root, the ordinary user is nobody; otherwise the tests already run as one. */
const asUser = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
const skipReason = root && !hasSetpriv ? 'setpriv (util-linux) is missing: cannot run as an ordinary user' : undefined;
if (skipReason) console.warn(`skipping the ordinary-user sandbox tests: ${skipReason}`);

let ctx: AttackContext;
let server: Server;
let count: () => number;
beforeAll(async () => {
  ({ ctx, server, count } = await attackContext());
});
afterAll(async () => {
  rmSync(ctx.hostDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Starts the llmlab stand-in as `prefix` (a user switch or nothing), with the secret in its environment. */
function startLlmlab(prefix: string[], mode: 'all' | 'hold', marker = ctx.marker): ChildProcess {
  const command = [...prefix, process.execPath, '--import', TSX, SCRIPT, mode];
  const { llmlabPid: _, ...context } = { ...ctx, testPid: process.pid, marker };
  return spawn(command[0]!, command.slice(1), {
    cwd: ctx.projectDir,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: ctx.homeDir,
      OPENAI_API_KEY: ctx.secret,
      LLMLAB_ATTACK_CONTEXT: JSON.stringify(context),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Polls until `done` holds or `ms` pass; returns whether it held. A bound, not a timing assertion. */
async function eventually(done: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (done()) return true;
  return done();
}

describe.skipIf(skipReason !== undefined)(`hostile completions, llmlab as ${root ? 'uid 65534' : 'this user'}`, () => {
  let run: { pid: number; uid: number; sandbox: SandboxChoice; reports: AttackReport[] };
  let before: number;
  beforeAll(async () => {
    before = count();
    const result = await output(startLlmlab(asUser, 'all'));
    expect(result.code, result.stderr).toBe(0);
    run = JSON.parse(result.stdout);
    // Every attack runs in one child (~15 s of sleeps and timeouts by design); a loaded 2-core CI needs headroom.
  }, 120_000);

  it('ran as an ordinary user, in bubblewrap', () => {
    expect(run.uid).not.toBe(0);
    expect(run.sandbox.safe).toBe(true);
    expect(run.sandbox.description).toMatch(new RegExp(`^bubblewrap .* as uid ${run.uid};`));
  });

  it('llmlab survived its cells, and nothing reached the listener', () => {
    expect(run.reports).toHaveLength(ATTACKS.length);
    expect(count()).toBe(before);
  });

  for (const attack of ATTACKS) {
    it(attack.name, () => {
      const report = run.reports.find((r) => r.name === attack.name)!;
      attack.check(report, { ...ctx, llmlabPid: run.pid }, expect);
      // The secret was in this llmlab's own environment: no cell may print it.
      for (const result of report.results) expect(`${result.stdout}${result.stderr}`).not.toContain(ctx.secret);
    });
  }
});

describe('no process of a cell outlives llmlab', () => {
  const users = [
    { label: 'as root', prefix: [] as string[], skip: !root },
    { label: root ? 'as uid 65534' : 'as this user', prefix: asUser, skip: skipReason !== undefined },
  ];
  for (const user of users) {
    it.skipIf(user.skip)(`SIGKILL of llmlab mid-cell takes a setsid grandchild with it (${user.label})`, async () => {
      const marker = `${ctx.marker}-hold-${user.prefix.length}`;
      const llmlab = startLlmlab(user.prefix, 'hold', marker);
      const exited = output(llmlab);
      try {
        expect(await eventually(() => processesWith(marker).length > 0, 30_000), 'the grandchild started').toBe(true);
        llmlab.kill('SIGKILL');
        await exited;
        // The kernel delivers the parent-death signals after llmlab is gone: wait (bounded) for them to land.
        await eventually(() => processesWith(marker).length === 0, 10_000);
        expect(processesWith(marker)).toEqual([]);
      } finally {
        // Should the sandbox fail, leave no sleeper behind on the test machine: only the pids this test made.
        for (const line of processesWith(marker)) process.kill(Number(line.split(':')[0]), 'SIGKILL');
      }
      // Starting the child (tsx, a bubblewrap probe) takes seconds on a loaded machine.
    }, 60_000);
  }
});
