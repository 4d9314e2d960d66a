/**
 * Per-key spend against day and month budgets (UTC calendar periods), exact under concurrency: a request reserves
 * its worst-case cost before the call and settles the real cost after it, so concurrent requests can overshoot a
 * limit by no more than what they reserved beyond their real cost — never past the limit itself.
 *
 * Where the figures come from: a key's settled spend in a period is read from the request log once (the sum of its
 * rows' costs: the truth after a restart), then kept in memory and raised by every settle; reservations live in
 * memory only (a restart drops the in-flight requests with them). Reserving is one synchronous check-and-add, so
 * the calls that JavaScript interleaves cannot both pass a check that only one fits. This makes the SQLite store
 * single-node: processes sharing a database would each keep their own sums.
 *
 * The caller settles a reservation and logs the request's row with the same cost and an `at` in the period the
 * reservation was made (the request's start): the settle raises the in-memory sum, the row is what a restart reads.
 */
import type { GatewayLog } from './gateway-log.js';
import type { SpendLimits, SpendRefusal, SpendReservation } from './gateway-types.js';

type Period = 'day' | 'month';
const PERIODS: readonly Period[] = ['day', 'month'];

/**
 * Sums of float dollars drift (20 × 0.05 is 1.0000000000000002): a reservation that lands on the limit to within a
 * billionth of a dollar fits.
 */
const EPSILON_USD = 1e-9;

/** One key's spend in one period. */
interface PeriodSpend {
  start: number;
  end: number;
  settled: number;
  reserved: number;
}

interface Held {
  reservation: SpendReservation;
  periods: PeriodSpend[];
}

/** The UTC calendar day or month containing `now`: [start, end) in ms since the epoch. */
export function periodOf(period: Period, now: number): { start: number; end: number } {
  const d = new Date(now);
  const [y, m] = [d.getUTCFullYear(), d.getUTCMonth()];
  if (period === 'month') return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  const start = Date.UTC(y, m, d.getUTCDate());
  return { start, end: Date.UTC(y, m, d.getUTCDate() + 1) };
}

/** The spend part of the gateway store, reading settled spend from `log`. */
export function createGatewaySpend(log: Pick<GatewayLog, 'keySpend'>) {
  // key id → period → its spend in the period `now` last fell in. A period that has passed is dropped when the next
  // begins; a reservation still in flight holds its own reference, so its settle lands where it was reserved.
  const current = new Map<string, Record<Period, PeriodSpend | undefined>>();
  const held = new Map<number, Held>();
  let nextId = 1;

  function spendIn(keyId: string, period: Period, now: number): PeriodSpend {
    let byPeriod = current.get(keyId);
    if (!byPeriod) current.set(keyId, (byPeriod = { day: undefined, month: undefined }));
    const found = byPeriod[period];
    if (found && now >= found.start && now < found.end) return found;
    const { start, end } = periodOf(period, now);
    const fresh: PeriodSpend = { start, end, settled: log.keySpend(keyId, start, end), reserved: 0 };
    // Only a `now` later than the cached period replaces it: a late look back (a stats read) does not evict today.
    if (!found || start > found.start) byPeriod[period] = fresh;
    return fresh;
  }

  return {
    reserve(limits: SpendLimits, usd: number, now: number): { ok: true; reservation: SpendReservation } | { ok: false; refusal: SpendRefusal } {
      // A negative or NaN amount would pass every check and lower the sums: a bug in the caller, not a request.
      if (!(usd >= 0) || !Number.isFinite(usd)) throw new RangeError(`cannot reserve ${usd} USD`);
      const periods = PERIODS.map((period) => spendIn(limits.id, period, now));
      for (const [i, period] of PERIODS.entries()) {
        const limit = limits.budgetUsd?.[period];
        const spend = periods[i]!;
        if (limit === undefined) continue;
        const committed = spend.settled + spend.reserved;
        if (committed + usd > limit + EPSILON_USD) {
          return { ok: false, refusal: { period, limitUsd: limit, committedUsd: committed, neededUsd: usd, resetsAt: spend.end } };
        }
      }
      for (const spend of periods) spend.reserved += usd;
      const reservation: SpendReservation = { keyId: limits.id, usd, id: nextId++ };
      held.set(reservation.id, { reservation, periods });
      return { ok: true, reservation };
    },
    /** Records the real cost and frees the reservation; settling one twice (or one of another store) does nothing. */
    settle(reservation: SpendReservation, actualUsd: number): void {
      const entry = held.get(reservation.id);
      if (!entry || entry.reservation !== reservation) return;
      held.delete(reservation.id);
      for (const spend of entry.periods) {
        spend.reserved = Math.max(0, spend.reserved - reservation.usd);
        spend.settled += actualUsd;
      }
    },
    spent(keyId: string, period: Period, now: number): number {
      return spendIn(keyId, period, now).settled;
    },
    /** Reserved and not yet settled, for a key in the period containing `now` (stats, tests). */
    reserved(keyId: string, period: Period, now: number): number {
      return spendIn(keyId, period, now).reserved;
    },
  };
}

export type GatewaySpend = ReturnType<typeof createGatewaySpend>;
