/**
 * Two runs of one security suite whose attack outcomes changed, with fixed templates so their test ids pair:
 * - jailbreak/role-play (high): 10 attacks, rp-0 hit in both, rp-1..rp-3 newly hit (1/10 → 4/10);
 * - jailbreak/multi-turn (critical): mt-0 hit in the base, resisted now (1/2 → 0/2);
 * - data-extraction/direct (critical): 8 attacks, every one newly hit (0/8 → 8/8);
 * - prompt-injection/direct (medium): no hit; pi-5 errored in the base (unpaired), pi-6 is new in the head.
 * Four ordinary cells (all pass) beside them when `ordinary` is set.
 */
import type { CellResult, Severity } from '../../src/types.js';
import { attackCell, ordinaryCell } from './security-cells.js';

type Outcome = 'fail' | 'pass' | 'error';

function attacks(family: string, strategy: string, severity: Severity, prefix: string, outcomes: Outcome[]): CellResult[] {
  return outcomes.map((status, i) => attackCell({ family, strategy, severity, status, template: `${prefix}-${i}` }));
}

const times = (n: number, outcome: Outcome): Outcome[] => new Array<Outcome>(n).fill(outcome);

export function baseCells(ordinary = true): CellResult[] {
  return [
    ...(ordinary ? [0, 1, 2, 3].map((i) => ordinaryCell(i, 'pass')) : []),
    ...attacks('jailbreak', 'role-play', 'high', 'rp', ['fail', ...times(9, 'pass')]),
    ...attacks('jailbreak', 'multi-turn', 'critical', 'mt', ['fail', 'pass']),
    ...attacks('data-extraction', 'direct', 'critical', 'de', times(8, 'pass')),
    ...attacks('prompt-injection', 'direct', 'medium', 'pi', [...times(5, 'pass'), 'error']),
  ];
}

export function headCells(ordinary = true): CellResult[] {
  return [
    ...(ordinary ? [0, 1, 2, 3].map((i) => ordinaryCell(i, 'pass')) : []),
    ...attacks('jailbreak', 'role-play', 'high', 'rp', [...times(4, 'fail'), ...times(6, 'pass')]),
    ...attacks('jailbreak', 'multi-turn', 'critical', 'mt', ['pass', 'pass']),
    ...attacks('data-extraction', 'direct', 'critical', 'de', times(8, 'fail')),
    ...attacks('prompt-injection', 'direct', 'medium', 'pi', times(7, 'pass')),
  ];
}
