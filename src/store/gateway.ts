/**
 * The SQLite implementation of {@link GatewayStore}: keys, spend, the request log and experiment outcomes in the
 * project's database. Single-node by design (spend sums and reservations live in this process's memory, see
 * ./gateway-spend.ts): several gateway processes need a store over a shared database instead.
 */
import type { Store } from './index.js';
import { createGatewayKeys } from './gateway-keys.js';
import { createGatewayLog, type GatewayLogOptions } from './gateway-log.js';
import { createGatewayOutcomes } from './gateway-outcomes.js';
import { createGatewaySpend } from './gateway-spend.js';
import { createGatewayUnits } from './gateway-units.js';
import type { GatewayStore } from './gateway-types.js';

export type { GatewayLogOptions } from './gateway-log.js';
export { periodOf } from './gateway-spend.js';

/** Options of {@link createGatewayStore}: how the request log batches its writes. */
export type GatewayStoreOptions = GatewayLogOptions;

/** The SQLite store: the contract, plus figures only this implementation has. */
export interface SqliteGatewayStore extends GatewayStore {
  spend: GatewayStore['spend'] & {
    /** Reserved and not yet settled for a key, in the period containing `now`. */
    reserved(keyId: string, period: 'day' | 'month', now: number): Promise<number>;
  };
  log: GatewayStore['log'] & {
    /** Rows dropped because writes kept failing (see `maxQueued`). */
    dropped(): number;
  };
}

/**
 * The gateway's store over an open llmlab store. `close()` writes the queued log rows and stops the flush timer;
 * the database itself stays open for its owner to close.
 */
export function createGatewayStore(store: Store, options: GatewayStoreOptions = {}): SqliteGatewayStore {
  const log = createGatewayLog(store.db, store.path, options);
  const spend = createGatewaySpend(log);
  const keys = createGatewayKeys(store.db);
  const outcomes = createGatewayOutcomes(store.db);
  const units = createGatewayUnits(store.db);
  return {
    keys: {
      byHash: async (hash) => keys.byHash(hash),
      create: async (record) => keys.create(record),
      revoke: async (id, at) => keys.revoke(id, at),
      list: async () => keys.list(),
    },
    spend: {
      reserve: async (limits, usd, now) => spend.reserve(limits, usd, now),
      settle: async (reservation, actualUsd) => spend.settle(reservation, actualUsd),
      spent: async (keyId, period, now) => spend.spent(keyId, period, now),
      reserved: async (keyId, period, now) => spend.reserved(keyId, period, now),
    },
    log: {
      append: (row) => log.append(row),
      flush: async () => log.flush(),
      recent: async (filter) => log.recent(filter),
      get: async (id) => log.get(id),
      dropped: () => log.dropped(),
    },
    outcomes: {
      add: async (row) => outcomes.add(row),
      // Feedback and judge scores arrive right after their request: its row may still be queued.
      byArm: async (experiment, filter) => {
        log.flush();
        return outcomes.byArm(experiment, filter);
      },
    },
    units: {
      armOf: async (experiment, unit) => units.armOf(experiment, unit),
    },
    close: async () => log.close(),
  };
}
