/**
 * Input a user (or a hostile file) can make too large or malformed: numeric flags out of range, a YAML alias
 * bomb, bad regex flags. Each is an exit-2 error naming the problem, never a hang or an internal error. Errors come
 * from main() in this process (nothing runs before them); the largest allowed values run as a real process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasBomb } from '../fixtures/alias-bomb.js';
import { runCli } from './run-cli.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-bounds-'));
  writeFileSync(join(dir, 'llmlab.config.yaml'), '{}\n');
  writeFileSync(join(dir, 'ok.yaml'), 'providers: [echo]\nprompts: ["{{ q }}"]\ntests:\n  - vars: { q: hi }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('numeric flags', () => {
  const cases: [string[], RegExp][] = [
    [['-j', '-4'], /--concurrency must be a positive integer \(at most 1024\), got `-4`/],
    [['--concurrency', '-4'], /--concurrency must be a positive integer \(at most 1024\), got `-4`/],
    [['--concurrency=-4'], /--concurrency must be a positive integer \(at most 1024\), got `-4`/],
    [['-j', '1e7'], /--concurrency must be a positive integer \(at most 1024\), got `(1e7|10000000)`/],
    [['-j', '2.5'], /--concurrency must be a positive integer \(at most 1024\), got `2\.5`/],
    [['--repeat', '-2'], /--repeat must be a positive integer \(at most 1000\), got `-2`/],
    [['--repeat', '1000000'], /--repeat must be a positive integer \(at most 1000\), got `1000000`/],
  ];
  for (const [flags, expected] of cases) {
    it(`eval ${flags.join(' ')}: exit 2 with a clear message`, async () => {
      const r = await runCli(['eval', 'ok.yaml', ...flags], { cwd: dir });
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).not.toMatch(/Unknown option|internal error/);
      expect(r.code).toBe(2);
    });
  }

  it('plan --repeat -3 and runs -n -1 are clean errors too', async () => {
    const plan = await runCli(['plan', 'ok.yaml', '--repeat', '-3'], { cwd: dir });
    expect(plan.stderr).toMatch(/--repeat must be a positive integer \(at most 1000\), got `-3`/);
    expect(plan.code).toBe(2);
    const runs = await runCli(['runs', '-n', '-1'], { cwd: dir });
    expect(runs.stderr).toMatch(/--limit must be a positive integer/);
    expect(runs.code).toBe(2);
  });

  it('still accepts the largest allowed values', async () => {
    const r = await runCli(['eval', 'ok.yaml', '-j', '1024'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
  });
});

describe('YAML alias bomb', () => {
  it('in a suite: exit 2 at the alias that expands too far, with a hint, quickly', async () => {
    writeFileSync(join(dir, 'bomb.yaml'), `providers: [echo]\nprompts: ["x"]\ntests: [{}]\n${aliasBomb()}`);
    const r = await runCli(['eval', 'bomb.yaml'], { cwd: dir });
    expect(r.stderr).toMatch(/bomb\.yaml:\d+:\d+: YAML aliases expand to more than 1000000 values/);
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(2);
  });
});

describe('regex flags', () => {
  it('/abc/zz is an error naming the bad flags and the allowed ones, at the assertion', async () => {
    writeFileSync(
      join(dir, 'flags.yaml'),
      'providers: [echo]\nprompts: ["{{ q }}"]\ntests:\n  - vars: { q: hi }\n    assert:\n      - { type: regex, value: "/abc/zz" }\n',
    );
    const r = await runCli(['eval', 'flags.yaml'], { cwd: dir });
    expect(r.stderr).toMatch(/flags\.yaml:6:9: assertion `regex`: regex "\/abc\/zz" has unknown flag z; allowed flags: d g i m s u v y/);
    expect(r.code).toBe(2);
  });
});
