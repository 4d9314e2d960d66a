/**
 * Which arm of an experiment a request is served from. Assignment is by unit (a user), not by request, and sticky:
 * sha256(experiment name, unit) mapped to [0, 1) and looked up in the arms' cumulative shares, so the same unit
 * lands in the same arm on every request and every gateway process, with no state, while the shares are fixed.
 * Hashing with the experiment's name makes two experiments' assignments independent of each other.
 *
 * A request whose unit is absent (no `user` in the body, or no sticky header) is not in the experiment: it is
 * routed as the virtual model routes and logged without an arm, because giving it a random arm would count one
 * user as many units and break the report's unit-level statistics.
 *
 * `split: bandit` moves the shares (Thompson sampling over the outcomes so far, recomputed at most every
 * `refreshMs`); there a unit keeps the arm it got first — remembered in memory and looked up in the request log —
 * and only new units follow the new shares.
 */
import { createHash } from 'node:crypto';
import { thompsonAllocation } from '../stats/thompson.js';
import { experimentOutcome } from './experiment-metric.js';
import type { Experiment, GatewayStore } from './types.js';

/** A request's headers, as fetch's `Headers` has them. */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}

/** The digest of a unit in an experiment: what assignment hashes and what the request log stores (never the raw id). */
export function unitDigest(experiment: string, unit: string): string {
  return createHash('sha256').update(experiment).update('\0').update(unit).digest('hex');
}

/** A digest's first 52 bits as a number in [0, 1): uniform, and exact in a double. */
function position(digest: string): number {
  return Number.parseInt(digest.slice(0, 13), 16) / 2 ** 52;
}

/**
 * The arm of `unit` (the raw id) under `shares` (by arm name; default the experiment's fixed shares, equal shares
 * for a bandit without any). Arms are taken in the config's order; a share left out counts as 0.
 */
export function assignArm(experiment: Experiment, unit: string, shares?: Record<string, number>): string {
  const weights = shares ?? (experiment.split.kind === 'fixed' ? experiment.split.shares : undefined);
  const arms = experiment.arms.map((a) => a.name);
  const w = arms.map((name) => (weights ? Math.max(0, weights[name] ?? 0) : 1));
  const total = w.reduce((a, b) => a + b, 0);
  const x = position(unitDigest(experiment.name, unit)) * total;
  let cumulative = 0;
  for (let i = 0; i < arms.length; i++) {
    cumulative += w[i] as number;
    if (x < cumulative) return arms[i] as string;
  }
  // Rounding can leave x at the very top: the last arm with a share takes it.
  const last = w.findLastIndex((share) => share > 0);
  return arms[last >= 0 ? last : arms.length - 1] as string;
}

/**
 * The unit id of a request: the body's `user` (a non-empty string), or the sticky header's value. Undefined when
 * absent: the request is then not in the experiment (see the module comment).
 */
export function unitOf(experiment: Experiment, body: unknown, headers: HeaderLookup): string | undefined {
  const value =
    experiment.sticky.kind === 'user'
      ? body !== null && typeof body === 'object'
        ? (body as { user?: unknown }).user
        : undefined
      : headers.get(experiment.sticky.name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface ArmAssignerOptions {
  /** How often a bandit's allocation may be recomputed from the outcomes, ms; default 60,000. */
  refreshMs?: number;
  /** Units remembered per experiment (a bandit's stickiness before the log is written); default 100,000. */
  remember?: number;
  now?: () => number;
  /** A failed read of the outcomes (the allocation then stays as it was: serving the request comes first). */
  onError?: (error: unknown) => void;
}

/** An experiment's assignment, with the state a bandit needs. */
export interface ArmAssigner {
  /** The arm of a unit (the raw id), and the digest to log as the request's `unit`. */
  assign(unit: string): Promise<{ arm: string; unit: string }>;
  /** The shares new units get now (a bandit's last allocation; the fixed shares otherwise). */
  shares(): Record<string, number>;
  /** Resolves when a bandit's running recomputation (if any) has ended: for tests and a graceful shutdown. */
  idle(): Promise<void>;
}

export function createArmAssigner(
  experiment: Experiment,
  store: Pick<GatewayStore, 'outcomes' | 'units'>,
  options: ArmAssignerOptions = {},
): ArmAssigner {
  const split = experiment.split;
  if (split.kind === 'fixed') {
    return {
      assign: async (unit) => ({ arm: assignArm(experiment, unit), unit: unitDigest(experiment.name, unit) }),
      shares: () => ({ ...split.shares }),
      idle: async () => {},
    };
  }
  const refreshMs = options.refreshMs ?? 60_000;
  const remember = options.remember ?? 100_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, string>();
  let shares: Record<string, number> = Object.fromEntries(experiment.arms.map((a) => [a.name, 1 / experiment.arms.length]));
  let computedAt = -Infinity;
  let computed = false;
  // One recomputation at a time. Only the first is waited for; later ones run while requests use the last shares,
  // so a new unit never waits on the outcome query and the Monte Carlo draws.
  let pending: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    const { kind, source } = experimentOutcome(experiment);
    const byArm = new Map((await store.outcomes.byArm(experiment.name, { source })).map((a) => [a.arm, a.outcomes]));
    const allocation = thompsonAllocation(
      experiment.arms.map((a) => ({ outcomes: byArm.get(a.name) ?? [] })),
      { kind },
    );
    shares = Object.fromEntries(experiment.arms.map((a, i) => [a.name, allocation[i] as number]));
  };

  const currentShares = async (): Promise<Record<string, number>> => {
    if (now() - computedAt >= refreshMs) {
      computedAt = now();
      pending ??= refresh()
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => {
          pending = undefined;
          computed = true;
        });
    }
    if (pending && !computed) await pending;
    return shares;
  };

  return {
    async assign(unit) {
      const digest = unitDigest(experiment.name, unit);
      let arm = known.get(digest) ?? (await store.units?.armOf(experiment.name, digest));
      if (arm === undefined || !experiment.arms.some((a) => a.name === arm)) {
        arm = known.get(digest) ?? assignArm(experiment, unit, await currentShares());
      }
      if (!known.has(digest)) {
        if (known.size >= remember) known.delete(known.keys().next().value as string);
        known.set(digest, arm);
      }
      return { arm, unit: digest };
    },
    shares: () => ({ ...shares }),
    idle: async () => {
      await pending;
    },
  };
}
