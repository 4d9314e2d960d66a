/**
 * Virtual-key records: a secret's sha256 and its first characters, never the secret. A key id (from the config's
 * `keys:`) may hold several live secrets at once: creating another is how a secret is rotated.
 *
 * Every request looks its key up here rather than in a cache, so a `llmlab gateway keys revoke` run by another
 * process takes effect on the next request; the lookup is one read of a unique index.
 */
import type { Db } from './db.js';
import type { KeyRecord } from './gateway-types.js';

interface KeyDbRow {
  id: string;
  hash: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

function fromDb(r: KeyDbRow): KeyRecord {
  return {
    id: r.id,
    hash: r.hash,
    prefix: r.prefix,
    createdAt: r.created_at,
    ...(r.revoked_at === null ? {} : { revokedAt: r.revoked_at }),
  };
}

/** The keys part of the gateway store. */
export function createGatewayKeys(db: Db) {
  const byHash = db.prepare<[string], KeyDbRow>('SELECT * FROM gateway_keys WHERE hash = ? AND revoked_at IS NULL');
  const insert = db.prepare('INSERT INTO gateway_keys (id, hash, prefix, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)');
  const revoke = db.prepare('UPDATE gateway_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS NULL');
  const all = db.prepare<[], KeyDbRow>('SELECT * FROM gateway_keys ORDER BY created_at, rowid');
  return {
    byHash(hash: string): KeyRecord | undefined {
      const row = byHash.get(hash);
      return row && fromDb(row);
    },
    create(record: KeyRecord): void {
      insert.run(record.id, record.hash, record.prefix, record.createdAt, record.revokedAt ?? null);
    },
    /** Revokes every live secret of key `idOrPrefix`, or the one secret with that prefix; false when none was live. */
    revoke(idOrPrefix: string, at: number): boolean {
      return revoke.run(at, idOrPrefix, idOrPrefix).changes > 0;
    },
    /** Every secret ever created, live and revoked, oldest first. */
    list(): KeyRecord[] {
      return all.all().map(fromDb);
    },
  };
}
