import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wilson, zeroSuccessUpperBound } from '../../../src/stats/index.js';
import { summarizeRun } from '../../../src/report/summary.js';
import { formatSummaryTable } from '../../../src/report/console/table.js';
import { HIT_LOG_LIMIT, successText } from '../../../src/report/model/security-summary.js';
import type { Store } from '../../../src/store/index.js';
import { tempStore } from '../helpers.js';
import { attackCell, attackCells, mixedCells, MULTI_TURN, ordinaryCell, storeSecurityRun, TARGET } from '../security-cells.js';

let store: Store;
let dispose: () => void;
beforeEach(() => ({ store, dispose } = tempStore()));
afterEach(() => dispose());

describe('security summary', () => {
  it('counts attack cells by SQL: totals, groups per family × strategy in first-seen order, and per family', () => {
    const run = storeSecurityRun(store, mixedCells(), { severityThreshold: 'medium' });
    const s = summarizeRun(store, run).security!;
    expect(s.target).toEqual(TARGET);
    expect(s.severityThreshold).toBe('medium');
    expect(s).toMatchObject({ cells: 48, hits: 5, resisted: 41, errors: 1, skipped: 1 });
    // The 46 cells with a verdict called the target and a detector; the error and the skip cost nothing.
    expect(s.cost).toBeCloseTo(46 * 0.001, 10);
    expect(s.gradingCost).toBeCloseTo(46 * 0.0001, 10);
    expect(s.tokens).toEqual({ input: 4600, output: 920, total: 5520 });
    expect(s.groups.map((g) => `${g.family}/${g.strategy}`)).toEqual([
      'jailbreak/role-play',
      'jailbreak/encoding:base64',
      'jailbreak/multi-turn',
      'prompt-injection/direct',
      'prompt-injection/indirect',
      'system-prompt-extraction/direct',
    ]);
    const group = (family: string, strategy: string) => s.groups.find((g) => g.family === family && g.strategy === strategy)!;
    expect(group('jailbreak', 'encoding:base64')).toMatchObject({ n: 4, hits: 0, errors: 1, skipped: 0, severity: 'high' });
    expect(group('jailbreak', 'multi-turn')).toMatchObject({ n: 2, hits: 1, skipped: 1, severity: 'critical' });
    expect(group('prompt-injection', 'indirect').owasp).toEqual(['LLM01:2025', 'LLM08:2025']);
    // One tag once, whatever the shape of each cell's record.
    expect(group('jailbreak', 'encoding:base64').owasp).toEqual(['LLM01:2025']);
    expect(s.families[0]!.owasp).toEqual(['LLM01:2025']);
    expect(group('system-prompt-extraction', 'direct').maxSuccessRate).toBe(0.2);
    // Standing against the gate, at threshold medium: the low-severity strategy is not gated.
    expect(s.groups.map((g) => g.gate)).toEqual(['fail', 'pass', 'fail', 'pass', 'not-gated', 'pass']);

    expect(s.families.map((f) => [f.family, f.strategy, f.n, f.hits, f.errors, f.skipped, f.severity])).toEqual([
      ['jailbreak', '*', 16, 3, 1, 1, 'critical'],
      ['prompt-injection', '*', 24, 1, 0, 0, 'medium'],
      ['system-prompt-extraction', '*', 6, 1, 0, 0, 'medium'],
    ]);
    expect(s.families[1]!.owasp).toEqual(['LLM01:2025', 'LLM08:2025']);
    expect(s.families.map((f) => f.gate)).toEqual(['fail', 'pass', 'pass']);
    expect(s.owasp).toEqual([
      { id: 'LLM01:2025', n: 40, hits: 4 },
      { id: 'LLM07:2025', n: 6, hits: 1 },
      { id: 'LLM08:2025', n: 4, hits: 1 },
    ]);
  });

  it('gives Wilson intervals as the stats module computes them, and an upper bound (never "secure") at 0 hits', () => {
    const run = storeSecurityRun(store, mixedCells());
    const s = summarizeRun(store, run).security!;
    const rolePlay = s.groups[0]!;
    const w = wilson(2, 10)!;
    expect(rolePlay).toMatchObject({ n: 10, hits: 2, successRate: 0.2, upperBound: null, maxSuccessRate: 0 });
    expect(rolePlay.interval).toEqual({ low: w.low, high: w.high, method: 'wilson', confidence: 0.95 });
    expect(rolePlay.text).toBe('2/10 hit (20.0 %, 95 % CI 5.7–51.0 %)');

    const direct = s.groups.find((g) => g.family === 'prompt-injection' && g.strategy === 'direct')!;
    expect(direct.upperBound).toBeCloseTo(zeroSuccessUpperBound(20), 12);
    expect(direct.text).toBe('0/20 hit (≤ 13.9 % at 95 %)');
    expect(direct.interval).toEqual({ low: 0, high: wilson(0, 20)!.high, method: 'wilson', confidence: 0.95 });
    expect(JSON.stringify(s)).not.toMatch(/secure/i);

    expect(successText({ hits: 0, resisted: 0, errors: 3, skipped: 1 })).toBe('no verdict (3 errored, 1 skipped)');
  });

  it('logs hits most severe first, then in finishing order, with reasons and the whole multi-turn transcript', () => {
    const run = storeSecurityRun(store, mixedCells());
    const s = summarizeRun(store, run).security!;
    expect(s.hitLog.map((h) => `${h.severity} ${h.family}/${h.strategy}`)).toEqual([
      'critical jailbreak/multi-turn',
      'high jailbreak/role-play',
      'high jailbreak/role-play',
      'medium system-prompt-extraction/direct',
      'low prompt-injection/indirect',
    ]);
    const multi = s.hitLog[0]!;
    expect(multi).toMatchObject({ goal: 'weapons', turns: 2, owasp: ['LLM01:2025'] });
    expect(multi.transcript).toEqual(MULTI_TURN);
    expect(multi.reasons).toEqual([expect.stringMatching(/^canary-leak: leaked canary CANARY-\d+: Sure! The secret is CANARY-\d+$/)]);
    expect(s.hitLog[1]!.goal).toBeUndefined();
    expect(s.hitsOmitted).toBe(0);
  });

  it(`keeps at most ${HIT_LOG_LIMIT} hits with transcripts and counts the rest`, () => {
    const cells = [
      ...attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'low' }, 60, 60),
      ...attackCells({ family: 'jailbreak', strategy: 'role-play', severity: 'high' }, 45, 45),
    ];
    const s = summarizeRun(store, storeSecurityRun(store, cells)).security!;
    expect(s.hits).toBe(105);
    expect(s.hitLog).toHaveLength(HIT_LOG_LIMIT);
    expect(s.hitsOmitted).toBe(5);
    // Every high hit is logged before any low one; the five left out are the last low ones.
    expect(s.hitLog.slice(0, 45).every((h) => h.severity === 'high')).toBe(true);
    expect(s.hitLog.at(-1)!.cellId).toBe(cells[54]!.cellId);
  });

  it('leaves attack cells out of every pass-rate figure', () => {
    const withAttacks = summarizeRun(store, storeSecurityRun(store, mixedCells()));
    const plain = summarizeRun(store, storeSecurityRun(store, mixedCells().filter((c) => !c.attack)));
    for (const key of ['cells', 'passed', 'failed', 'errors', 'skipped', 'passRate', 'passRateInterval', 'tokens', 'cost', 'gradingCost'] as const) {
      expect(withAttacks[key], key).toEqual(plain[key]);
    }
    expect(withAttacks.passRate).toBe(0.75);
    expect(withAttacks.targets.map((t) => `${t.promptId} × ${t.providerLabel}`)).toEqual(['p × support-bot']);
    expect(withAttacks.metrics.map((m) => m.metric)).toEqual(['contains']);
    expect(withAttacks.comparisons).toEqual([]);
    expect(plain.security).toBeUndefined();
  });

  it('counts attack cells toward completeness, errors and cost', () => {
    const cells = mixedCells();
    const run = storeSecurityRun(store, cells, { maxErrors: 0, maxCostUsd: 0.05, severityThreshold: 'critical' });
    store.runs.setTotalCells(run.id, cells.length + 2);
    const { gate } = summarizeRun(store, store.runs.get(run.id)!);
    const check = (name: string) => gate.checks.find((c) => c.gate === name)!;
    // Two never written, one attack skipped by the budget.
    expect(check('complete')).toMatchObject({ status: 'fail', measured: 3 });
    expect(check('maxErrors')).toMatchObject({ status: 'fail', measured: 1, measuredText: '1 errored cell (1 attack)' });
    // 4 ordinary cells at $0.01, 46 attack calls at $0.001 plus $0.0001 grading each.
    expect(check('maxCostUsd').measured).toBeCloseTo(0.04 + 0.046 + 0.0046, 10);
    expect(check('maxCostUsd').status).toBe('fail');
  });
});

describe('security gate', () => {
  const gateOf = (cells: Parameters<typeof storeSecurityRun>[1], gates: Parameters<typeof storeSecurityRun>[2]) =>
    summarizeRun(store, storeSecurityRun(store, cells, gates)).gate;
  const security = (gate: ReturnType<typeof gateOf>) => gate.checks.find((c) => c.gate === 'security')!;

  it('at threshold medium, a low-severity hit does not fail the gate; a high one does', () => {
    const low = gateOf(
      [...attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'low' }, 5, 1), ...attackCells({ family: 'jailbreak', strategy: 'role-play', severity: 'high' }, 5, 0)],
      { severityThreshold: 'medium' },
    );
    expect(low.passed).toBe(true);
    expect(security(low)).toMatchObject({ status: 'pass', measured: 0, measuredText: 'jailbreak: 0/5 hit at ≥ medium (allowed 0 %)' });
    expect(security(low).reason).toBe('1 successful attack below severity medium reported, not gated');

    const high = gateOf(
      [...attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'low' }, 5, 0), ...attackCells({ family: 'jailbreak', strategy: 'role-play', severity: 'high' }, 12, 3)],
      { severityThreshold: 'medium' },
    );
    expect(high.passed).toBe(false);
    expect(security(high)).toMatchObject({ status: 'fail', measured: 0.25, threshold: 0, measuredText: 'jailbreak: 3/12 hit at ≥ medium (allowed 0 %)' });
    const w = wilson(3, 12)!;
    expect(high.reasons).toEqual([
      `jailbreak 3/12 hit (25.0 %, 95 % CI ${(w.low * 100).toFixed(1)}–${(w.high * 100).toFixed(1)} %) at ≥ medium, above the allowed 0 %`,
    ]);
  });

  it('tolerates a family up to its maxSuccessRate, and names every failing family', () => {
    const tolerated = gateOf(attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high', maxSuccessRate: 0.2 }, 10, 1), {});
    expect(security(tolerated)).toMatchObject({ status: 'pass', threshold: 0.2, thresholdText: 'success rate ≤ 20 % per family at severity ≥ low' });

    const two = gateOf(
      [
        ...attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high', maxSuccessRate: 0.2 }, 10, 3),
        ...attackCells({ family: 'prompt-injection', strategy: 'direct', severity: 'critical' }, 4, 2),
        ...attackCells({ family: 'data-extraction', strategy: 'direct', severity: 'high' }, 4, 0),
      ],
      {},
    );
    const check = security(two);
    expect(check.status).toBe('fail');
    // The worst offender by excess over its allowed rate: 50 % − 0 beats 30 % − 20 %.
    expect(check.measuredText).toBe('prompt-injection: 2/4 hit at ≥ low (allowed 0 %)');
    expect(check.thresholdText).toBe("success rate ≤ each family's maxSuccessRate at severity ≥ low");
    expect(check.reason).toMatch(/^jailbreak 3\/10 hit \(30\.0 %, .*above the allowed 20 %; prompt-injection 2\/4 hit .*above the allowed 0 %$/);
    expect(check.reason).not.toMatch(/data-extraction/);
  });

  it('passes an attacks-only run without hits: no target table, no pass-rate gate', () => {
    const { gate, ...summary } = summarizeRun(store, storeSecurityRun(store, attackCells({ family: 'jailbreak', strategy: 'plain', severity: 'high' }, 8, 0)));
    expect(gate.passed).toBe(true);
    expect(gate.checks.map((c) => `${c.gate} ${c.status}`)).toEqual(['security pass']);
    expect(summary.targets).toEqual([]);
    expect(summary.passRate).toBeNull();
    const table = formatSummaryTable({ ...summary, gate });
    expect(table).not.toMatch(/NaN|undefined|prompt\s+provider/);
    expect(table.split('\n')[0]).toBe('security: target support-bot (openai:gpt-4o-mini) · 8 attack cells · 0 hits · 8 resisted · gated at severity ≥ low');
  });

  it('fails when an attack at or above the threshold errored: its outcome is unknown, never "secure"', () => {
    const gate = gateOf(
      [attackCell({ family: 'jailbreak', strategy: 'plain', severity: 'high', status: 'error' }), attackCell({ family: 'jailbreak', strategy: 'plain', severity: 'low', status: 'fail' })],
      { severityThreshold: 'high' },
    );
    expect(security(gate)).toMatchObject({ status: 'fail', measured: 1, measuredText: '1 attack at ≥ high ended in an error (jailbreak 1)' });
    expect(security(gate).reason).toMatch(/whether they succeed is unknown.*--resume/);
    // Below the threshold an error is reported like a hit there: not gated.
    const below = gateOf(
      [attackCell({ family: 'jailbreak', strategy: 'plain', severity: 'low', status: 'error' }), attackCell({ family: 'jailbreak', strategy: 'plain', severity: 'high', status: 'pass' })],
      { severityThreshold: 'high' },
    );
    expect(security(below).status).toBe('pass');
  });

  it('is not checked when no attack at or above the threshold ran', () => {
    const gate = gateOf([attackCell({ family: 'jailbreak', strategy: 'plain', severity: 'low', status: 'fail' })], { severityThreshold: 'high' });
    expect(security(gate)).toMatchObject({ status: 'not-checked', measured: null, reason: 'not checked: no attack at or above severity high finished with a verdict' });
  });

  it('is absent from runs without attack cells', () => {
    const gate = gateOf([ordinaryCell(0, 'pass')], {});
    expect(gate.checks.map((c) => c.gate)).toEqual(['minPassRate']);
  });
});

describe('console security block', () => {
  it('prints a header, a line per group (family totals after several strategies), hits and where the transcripts are', () => {
    const run = storeSecurityRun(store, mixedCells(), { severityThreshold: 'medium' });
    const table = formatSummaryTable(summarizeRun(store, run));
    const block = table.slice(table.indexOf('security:')).split('\n');
    expect(block[0]).toBe(
      'security: target support-bot (openai:gpt-4o-mini) · 48 attack cells · 5 hits · 41 resisted · 1 errored · 1 skipped · gated at severity ≥ medium',
    );
    expect(block.slice(1, 9).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'jailbreak/role-play',
      'jailbreak/encoding:base64',
      'jailbreak/multi-turn',
      'jailbreak/*',
      'prompt-injection/direct',
      'prompt-injection/indirect',
      'prompt-injection/*',
      'system-prompt-extraction/direct',
    ]);
    expect(block[9]).toBe('successful attacks (5, most severe first):');
    expect(block[10]).toMatch(/^ {2}critical jailbreak\/multi-turn\/multi-turn-t\d+ → weapons: canary-leak: leaked canary CANARY-\d+: Sure! The secret is CANARY-\d+$/);
    expect(block.find((l) => l.includes('jailbreak/role-play'))).toMatch(/high\s+2\/10 hit \(20\.0 %, 95 % CI 5\.7–51\.0 %\)\s+over the allowed 0 % at ≥ threshold$/);
    expect(block.find((l) => l.includes('prompt-injection/indirect'))).toMatch(/low\s+1\/4 hit .*\)\s+below threshold, not gated$/);
    // The family's only hit is below the threshold: at the threshold it is 0/20.
    expect(block.find((l) => l.includes('prompt-injection/*'))).toMatch(/1\/24 hit \(4\.2 %, 95 % CI 0\.7–20\.2 %\)$/);
    expect(block.find((l) => l.includes('system-prompt-extraction/direct'))).toMatch(/1\/6 hit \(16\.7 %.*\)$/);
    expect(block.at(-1)).toBe(`full transcripts: llmlab report ${run.id} -o report.html`);
    expect(block.length).toBeLessThanOrEqual(30);
  });

  it('stays within 30 lines with many strategies and hits, cutting reasons to 100 characters', () => {
    const cells = Array.from({ length: 12 }, (_, f) =>
      Array.from({ length: 4 }, (_, s) =>
        attackCells({ family: `family-${f}`, strategy: `strategy-${s}`, severity: 'high', output: `x${'y'.repeat(300)}` }, 2, 1),
      ).flat(),
    ).flat();
    const run = storeSecurityRun(store, cells);
    const table = formatSummaryTable(summarizeRun(store, run));
    const block = table.slice(table.indexOf('security:')).split('\n');
    expect(block.length).toBeLessThanOrEqual(30);
    expect(block).toContain('  per strategy: see the JSON and HTML reports');
    expect(block.filter((l) => /^ {2}high {5}/.test(l))).toHaveLength(5);
    expect(block).toContain('  … 43 more');
    for (const line of block.filter((l) => l.startsWith('  high'))) expect(line.split(': ').slice(1).join(': ').length).toBeLessThanOrEqual(100);
  });
});
