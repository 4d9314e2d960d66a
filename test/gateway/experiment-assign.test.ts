import { describe, expect, it } from 'vitest';
import { assignArm, createArmAssigner, unitDigest, unitOf } from '../../src/gateway/experiment-assign.js';
import type { ArmUnits, Experiment, GatewayStore } from '../../src/gateway/types.js';
import { sampleRatioMismatch } from '../../src/stats/srm.js';

function experiment(patch: Partial<Experiment> = {}): Experiment {
  return {
    name: 'tone-test',
    model: 'support-bot',
    arms: [{ name: 'control' }, { name: 'treatment' }],
    split: { kind: 'fixed', shares: { control: 0.5, treatment: 0.5 } },
    sticky: { kind: 'user' },
    metric: { feedback: 'thumbs' },
    alpha: 0.05,
    ...patch,
  };
}

const noHeaders = { get: () => null };
const users = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);

describe('assignArm', () => {
  it('is sticky: the same unit gets the same arm every time', () => {
    const e = experiment();
    for (const user of users(200)) expect(assignArm(e, user)).toBe(assignArm(e, user));
  });

  it('lands 10,000 units within 1.5 points of 50/50 and of 20/30/50, with no SRM', () => {
    const half = users(10_000).map((u) => assignArm(experiment(), u));
    const control = half.filter((a) => a === 'control').length;
    expect(Math.abs(control / 10_000 - 0.5)).toBeLessThan(0.015);
    expect(sampleRatioMismatch([control, 10_000 - control], [0.5, 0.5]).mismatch).toBe(false);

    const three = experiment({
      arms: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      split: { kind: 'fixed', shares: { a: 0.2, b: 0.3, c: 0.5 } },
    });
    const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (const u of users(10_000)) counts[assignArm(three, u)]! += 1;
    expect(Math.abs(counts.a! / 10_000 - 0.2)).toBeLessThan(0.015);
    expect(Math.abs(counts.b! / 10_000 - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(counts.c! / 10_000 - 0.5)).toBeLessThan(0.015);
    expect(sampleRatioMismatch([counts.a!, counts.b!, counts.c!], [0.2, 0.3, 0.5]).mismatch).toBe(false);
  });

  it('assigns independently in two experiments (the name is in the hash)', () => {
    const a = experiment();
    const b = experiment({ name: 'other-test' });
    const same = users(4000).filter((u) => assignArm(a, u) === assignArm(b, u)).length;
    // Independent 50/50 assignments agree half the time (sd of the count ≈ 32).
    expect(Math.abs(same - 2000)).toBeLessThan(200);
  });

  it('never gives a zero-share arm a unit, and honours explicit shares', () => {
    const e = experiment({ split: { kind: 'fixed', shares: { control: 1, treatment: 0 } } });
    expect(users(500).every((u) => assignArm(e, u) === 'control')).toBe(true);
    expect(users(500).every((u) => assignArm(e, u, { control: 0, treatment: 1 }) === 'treatment')).toBe(true);
  });
});

describe('unitOf', () => {
  it('reads the body `user` or the sticky header; absent or empty means not in the experiment', () => {
    expect(unitOf(experiment(), { user: 'u1' }, noHeaders)).toBe('u1');
    expect(unitOf(experiment(), { user: '' }, noHeaders)).toBeUndefined();
    expect(unitOf(experiment(), { user: 42 }, noHeaders)).toBeUndefined();
    expect(unitOf(experiment(), null, noHeaders)).toBeUndefined();
    const byHeader = experiment({ sticky: { kind: 'header', name: 'x-session' } });
    expect(unitOf(byHeader, { user: 'u1' }, new Headers({ 'X-Session': 's9' }))).toBe('s9');
    expect(unitOf(byHeader, { user: 'u1' }, new Headers())).toBeUndefined();
  });
});

/** A store holding given per-arm outcomes, counting its reads, with an optional unit log. */
function fakeStore(arms: ArmUnits[], logged: Record<string, string> = {}) {
  let reads = 0;
  const store: Pick<GatewayStore, 'outcomes' | 'units'> = {
    outcomes: {
      add: async () => {},
      byArm: async () => {
        reads++;
        return arms;
      },
    },
    units: { armOf: async (_experiment, unit) => logged[unit] },
  };
  return { store, reads: () => reads };
}

const armUnits = (arm: string, ups: number, n: number): ArmUnits => ({
  arm,
  assigned: n,
  outcomes: Array.from({ length: n }, (_, i) => (i < ups ? 1 : 0)),
  requests: n,
  costUsd: 0,
});

describe('createArmAssigner', () => {
  it('with fixed shares assigns by hash and returns the digest to log', async () => {
    const assigner = createArmAssigner(experiment(), fakeStore([]).store);
    const result = await assigner.assign('user-1');
    expect(result).toEqual({ arm: assignArm(experiment(), 'user-1'), unit: unitDigest('tone-test', 'user-1') });
    expect(result.unit).toMatch(/^[0-9a-f]{64}$/);
    expect(assigner.shares()).toEqual({ control: 0.5, treatment: 0.5 });
  });

  it('bandit: Thompson shares from the outcomes, recomputed at most every refreshMs', async () => {
    let clock = 0;
    const { store, reads } = fakeStore([armUnits('control', 20, 100), armUnits('treatment', 80, 100)]);
    const assigner = createArmAssigner(experiment({ split: { kind: 'bandit' } }), store, { refreshMs: 1000, now: () => clock });
    const arms = await Promise.all(users(1000).map((u) => assigner.assign(u)));
    expect(reads()).toBe(1);
    expect(assigner.shares().treatment).toBeGreaterThan(0.94);
    expect(arms.filter((a) => a.arm === 'treatment').length).toBeGreaterThan(900);
    clock = 999;
    await assigner.assign('late');
    expect(reads()).toBe(1);
    clock = 1000;
    await assigner.assign('later');
    expect(reads()).toBe(2);
  });

  it('bandit: a unit keeps its first arm when the allocation moves, and a logged unit its logged arm', async () => {
    let clock = 0;
    const outcomes = [armUnits('control', 80, 100), armUnits('treatment', 20, 100)];
    const logged = { [unitDigest('tone-test', 'old-user')]: 'treatment' };
    const { store } = fakeStore(outcomes, logged);
    const assigner = createArmAssigner(experiment({ split: { kind: 'bandit' } }), store, { refreshMs: 10, now: () => clock });
    const first = await Promise.all(users(300).map(async (u) => [u, (await assigner.assign(u)).arm] as const));
    expect((await assigner.assign('old-user')).arm).toBe('treatment');
    // The other arm now looks better; the next new unit triggers a recomputation.
    outcomes[0] = armUnits('control', 5, 100);
    outcomes[1] = armUnits('treatment', 95, 100);
    clock = 100;
    await assigner.assign('brand-new');
    await assigner.idle();
    expect(assigner.shares().treatment).toBeGreaterThan(0.9);
    for (const [user, arm] of first) expect((await assigner.assign(user)).arm).toBe(arm);
  });

  it('bandit: a failed outcome read keeps the last allocation and reports the error', async () => {
    const errors: unknown[] = [];
    const store: Pick<GatewayStore, 'outcomes'> = {
      outcomes: { add: async () => {}, byArm: async () => Promise.reject(new Error('disk')) },
    };
    const assigner = createArmAssigner(experiment({ split: { kind: 'bandit' } }), store, { onError: (e) => errors.push(e) });
    const { arm } = await assigner.assign('u');
    expect(['control', 'treatment']).toContain(arm);
    expect(assigner.shares()).toEqual({ control: 0.5, treatment: 0.5 });
    expect(errors).toHaveLength(1);
  });
});
