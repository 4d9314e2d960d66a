/**
 * The budget's reservation ledger: pure bookkeeping, no I/O and no time, so it can be property-tested. Before a
 * call the executor reserves its worst-case cost; when the answer arrives it settles the real cost, which
 * releases the rest of the reservation. A reservation that would take spent + reserved past a limit is refused,
 * so as long as each call costs at most what it reserved, spend never exceeds a limit.
 */

/** The limits a ledger enforces, in USD. A scope is a perProvider key (provider label or id). */
export interface BudgetLimits {
  maxUsd?: number;
  perProvider?: Readonly<Record<string, number>>;
}

/** Money held for one call in flight. */
export interface Reservation {
  readonly id: number;
  readonly usd: number;
  /** The perProvider scopes it counts against. */
  readonly scopes: readonly string[];
}

/** Why a reservation was refused: which limit, and the figures at that moment. */
export interface Refusal {
  /** `run` for maxUsd, else the perProvider key. */
  scope: string;
  limitUsd: number;
  /** Spent plus reserved within that scope. */
  committedUsd: number;
  neededUsd: number;
  /** Reservations still outstanding (any scope): when 0, the refusal is final. */
  outstanding: number;
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; refusal: Refusal };

/** Float sums of many small costs drift by ~1e-17; a comparison this lenient cannot pass a real cent. */
const EPSILON = 1e-12;

export interface BudgetLedger {
  reserve(usd: number, scopes?: readonly string[]): ReserveResult;
  /** Records the real cost of a reserved call (0 when it failed or was cancelled) and frees its reservation. */
  settle(reservation: Reservation, actualUsd: number): void;
  /** Spend that needed no reservation (e.g. a cost only known afterwards); counts against the limits like any. */
  record(usd: number, scopes?: readonly string[]): void;
  spent(scope?: string): number;
  reserved(scope?: string): number;
  outstanding(): number;
  /** Settled calls that cost more than they reserved (an estimate that was not an upper bound). */
  overruns(): number;
}

/** A ledger starting from `initial` spend (a resumed run's earlier calls). */
export function createBudgetLedger(
  limits: BudgetLimits,
  initial: { spentUsd?: number; spentBy?: Readonly<Record<string, number>> } = {},
): BudgetLedger {
  let spent = initial.spentUsd ?? 0;
  let reserved = 0;
  const spentBy = new Map<string, number>(Object.entries(initial.spentBy ?? {}));
  const reservedBy = new Map<string, number>();
  const open = new Set<number>();
  let nextId = 0;
  let overruns = 0;
  const add = (map: Map<string, number>, key: string, usd: number) => map.set(key, (map.get(key) ?? 0) + usd);

  return {
    reserve(usd, scopes = []) {
      const needed = Math.max(usd, 0);
      const checks: [string, number, number][] = [];
      if (limits.maxUsd !== undefined) checks.push(['run', limits.maxUsd, spent + reserved]);
      for (const scope of scopes) {
        const limit = limits.perProvider?.[scope];
        if (limit !== undefined) checks.push([scope, limit, (spentBy.get(scope) ?? 0) + (reservedBy.get(scope) ?? 0)]);
      }
      for (const [scope, limitUsd, committedUsd] of checks) {
        if (committedUsd + needed > limitUsd + EPSILON) {
          return { ok: false, refusal: { scope, limitUsd, committedUsd, neededUsd: needed, outstanding: open.size } };
        }
      }
      const reservation: Reservation = { id: nextId++, usd: needed, scopes: [...scopes] };
      open.add(reservation.id);
      reserved += needed;
      for (const scope of scopes) add(reservedBy, scope, needed);
      return { ok: true, reservation };
    },
    settle(reservation, actualUsd) {
      if (!open.delete(reservation.id)) return;
      const actual = Math.max(actualUsd, 0);
      if (actual > reservation.usd + EPSILON) overruns++;
      reserved = Math.max(reserved - reservation.usd, 0);
      spent += actual;
      for (const scope of reservation.scopes) {
        reservedBy.set(scope, Math.max((reservedBy.get(scope) ?? 0) - reservation.usd, 0));
        add(spentBy, scope, actual);
      }
    },
    record(usd, scopes = []) {
      spent += usd;
      for (const scope of scopes) add(spentBy, scope, usd);
    },
    spent: (scope) => (scope === undefined ? spent : (spentBy.get(scope) ?? 0)),
    reserved: (scope) => (scope === undefined ? reserved : (reservedBy.get(scope) ?? 0)),
    outstanding: () => open.size,
    overruns: () => overruns,
  };
}
