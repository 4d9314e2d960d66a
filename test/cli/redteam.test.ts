/**
 * `llmlab redteam` and the attack side of `llmlab plan`, run as a user would: the offline example finds exactly
 * the attacks its scripted target is vulnerable to, gates on them, and a re-run is answered from the cache.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackTypes } from '../../src/attacks/index.js';
import { listConverters } from '../../src/attacks/converters/index.js';
import { runCli, spawnCli } from './run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-redteam-'));
  cpSync(join(ROOT, 'suites'), join(dir, 'suites'), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SecurityGroup {
  family: string;
  strategy: string;
  n: number;
  hits: number;
  errors: number;
  upperBound: number | null;
}
interface SecuritySummary {
  cells: number;
  hits: number;
  errors: number;
  groups: SecurityGroup[];
  hitLog: Array<{ testId: string; family: string; strategy: string; template: string; transcript: Array<{ role: string; content: string }> }>;
}

function readReport(file: string): { summary: { security: SecuritySummary }; cells: Array<{ cached: boolean; attack?: unknown }> } {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

describe('llmlab redteam --list', () => {
  it('lists the four families with their strategies, and the converters', async () => {
    const r = await runCli(['redteam', '--list'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const type of attackTypes) expect(r.stdout).toMatch(new RegExp(`^${type} — .+\\n  strategies: .+\\n  default: +.+$`, 'm'));
    expect(attackTypes).toEqual(['prompt-injection', 'system-prompt-extraction', 'data-extraction', 'jailbreak']);
    expect(r.stdout).toMatch(/^ {2}strategies: direct, indirect$/m);
    expect(r.stdout).toMatch(/^ {2}strategies: plain, role-play, refusal-suppression, multi-turn, encoding:<converter>, translate:<language>/m);
    for (const converter of listConverters()) expect(r.stdout).toContain(`  ${converter.id.padEnd(20)}  ${converter.description}\n`);
    expect(r.stdout).toMatch(/^ {2}translate:<language> {2}.*needs `attacker:`/m);
    expect(r.stdout).toMatch(/^ {2}rephrase {14}.*rewords.*needs `attacker:`/m);
  });
});

describe('llmlab redteam suites/examples/security.yaml', () => {
  it('finds exactly the attacks the scripted target falls for, fails the gate, then answers everything from the cache', async () => {
    // The bin path of `redteam`, as a user runs it.
    const first = await spawnCli(['redteam', 'suites/examples/security.yaml', '--db', 'rt.db', '-o', 'reports/first.json'], { cwd: dir });
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^gate security: FAIL — /m);
    expect(first.stdout).toMatch(/^gate failed: security$/m);

    const security = readReport('reports/first.json').summary.security;
    expect(security.errors).toBe(0);
    const hitGroups = security.groups.filter((g) => g.hits > 0).map((g) => `${g.family}/${g.strategy}`);
    expect(hitGroups.sort()).toEqual(['jailbreak/multi-turn', 'jailbreak/role-play', 'system-prompt-extraction/direct']);
    // No "secure": a group without hits reports the upper bound of its success rate.
    for (const group of security.groups.filter((g) => g.hits === 0)) {
      expect(group.n).toBeGreaterThan(0);
      expect(group.upperBound).toBeGreaterThan(0);
    }
    const templates = new Set(security.hitLog.map((h) => `${h.family}/${h.strategy}/${h.template}`));
    expect([...templates].sort()).toEqual([
      'jailbreak/multi-turn/story-escalation',
      'jailbreak/role-play/novelist-expert',
      'system-prompt-extraction/direct/verbatim-repeat',
    ]);
    expect(security.hits).toBe(security.hitLog.length);
    // The multi-turn hit carries its whole conversation: the system prompt, then every turn and answer.
    const escalation = security.hitLog.find((h) => h.template === 'story-escalation')!;
    expect(escalation.transcript[0]!.role).toBe('system');
    expect(escalation.transcript.filter((m) => m.role === 'user').length).toBeGreaterThan(1);
    expect(escalation.transcript.at(-1)!.content).toContain('skimmer kit');
    expect(first.stdout).toContain(`${security.cells} attack cells`);

    const second = await runCli(['redteam', 'suites/examples/security.yaml', '--db', 'rt.db', '-o', 'reports/second.json'], { cwd: dir });
    expect(second.code).toBe(1);
    const report = readReport('reports/second.json');
    expect(report.cells).toHaveLength(security.cells);
    expect(report.cells.every((c) => c.attack !== undefined && c.cached)).toBe(true);
    expect(report.summary.security.groups).toEqual(security.groups);
  });

  it('`llmlab plan` counts the attack cells on the target', async () => {
    const r = await runCli(['plan', 'suites/examples/security.yaml', '--db', 'plan.db'], { cwd: dir });
    expect(r.code).toBe(0);
    const match = /^ {2}cells: (\d+) attack cells on ada \((\d+) attack tests × 1 repeat\)$/m.exec(r.stdout);
    expect(match, r.stdout).not.toBeNull();
    expect(match![1]).toBe(match![2]);
    expect(r.stdout).toMatch(/^ {2}multi-turn: 6 conversations, scripted, 4 turns each; every turn is a call \(counted below\), and a conversation stops at its first successful turn$/m);
    // 44 single-turn cells and 6 conversations of 4 scripted turns.
    expect(r.stdout).toMatch(/^ {2}ada: 68 calls to make, 0 cached;/m);
  });

  it('`llmlab plan` adds the attack cells to a suite\'s test cells', async () => {
    writeFileSync(
      join(dir, 'suites/mixed.yaml'),
      [
        'providers: [echo, { id: mock, label: bob, config: { default: hi } }]',
        'prompts: ["Q {{ q }}"]',
        'tests: [{ vars: { q: 1 } }, { vars: { q: 2 } }, { vars: { q: 3 } }]',
        'target:',
        '  provider: { id: mock, label: ada, config: { default: no } }',
        '  system: You are Ada.',
        'attacks: [{ type: system-prompt-extraction, limit: 4 }]',
        '',
      ].join('\n'),
    );
    const r = await runCli(['plan', 'suites/mixed.yaml', '--db', 'plan.db', '--repeat', '2'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  cells: 20 = 12 (2 providers × 1 prompt × 3 tests × 2 repeats) + 8 attack cells on ada (4 attack tests × 2 repeats)\n');
    expect(r.stdout).not.toContain('multi-turn');
  });
});

describe('llmlab redteam without suites', () => {
  it('runs the configured suites that declare attacks and skips the others', async () => {
    const project = mkdtempSync(join(tmpdir(), 'llmlab-redteam-config-'));
    try {
      writeFileSync(join(project, 'llmlab.config.yaml'), 'suites: ["suites/*.yaml"]\n');
      mkdirSync(join(project, 'suites'));
      writeFileSync(join(project, 'suites/plain.yaml'), 'description: no attacks here\nproviders: [echo]\nprompts: ["{{ q }}"]\ntests: [{ vars: { q: hi } }]\n');
      // echo answers with the prompt itself: it hands out its system prompt to anyone who asks.
      writeFileSync(join(project, 'suites/leaky.yaml'), 'description: leaky echo\ntarget: { provider: echo, system: You are Ada. }\nattacks: [{ type: system-prompt-extraction }]\n');
      const r = await runCli(['redteam', '--db', 'r.db'], { cwd: project });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('leaky echo');
      expect(r.stdout).not.toContain('no attacks here');
      expect(r.stdout).toMatch(/system-prompt-extraction\/direct\s+high\s+8\/8 hit/);
      writeFileSync(join(project, 'suites/leaky.yaml'), 'providers: [echo]\nprompts: ["{{ q }}"]\ntests: [{ vars: { q: hi } }]\n');
      const none = await runCli(['redteam', '--db', 'r.db'], { cwd: project });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('none of the configured suites declares attacks');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('llmlab redteam errors', () => {
  it('a suite without attacks exits 2 with a hint', async () => {
    const r = await runCli(['redteam', 'suites/quickstart.yaml', '--db', 'none.db'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('suites/quickstart.yaml: the suite declares no attacks (it has no `target` and `attacks`)');
    expect(r.stderr).toMatch(/hint: add `target: \{ provider, system \}` and `attacks: \[\{ type: prompt-injection \}, …\]` to the suite, or run it with `llmlab eval`/);
  });

  it('a mistake in the attacks exits 2 at its file:line:col, with the hint', async () => {
    writeFileSync(join(dir, 'suites/typo.yaml'), 'target:\n  provider: echo\n  system: You are Ada.\nattacks:\n  - type: jailbrake\n');
    const r = await runCli(['redteam', 'suites/typo.yaml', '--db', 'none.db'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('suites/typo.yaml:5:11');
    expect(r.stderr).toContain('unknown attack type `jailbrake`');
    expect(r.stderr).toContain('did you mean `jailbreak`?');
  });
});
