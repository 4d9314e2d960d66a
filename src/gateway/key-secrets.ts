/**
 * Virtual-key secrets. A secret is `llk_` plus 32 random bytes (256 bits) in base64url; the store keeps only its
 * sha256 and its first characters (to tell secrets apart in listings and to revoke one by prefix).
 *
 * A plain sha256 is enough here: salts and slow hashes (bcrypt, scrypt) protect low-entropy passwords against
 * dictionary guessing, and nobody can enumerate 2^256 random secrets, hashed slowly or not. It also keeps a
 * request's key check to one hash and one indexed lookup.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyRecord } from './types.js';

/** What every secret starts with, so a leaked one is recognisable (secret scanners, logs). */
export const SECRET_PREFIX = 'llk_';

/** Characters of a secret kept in the store: `llk_` and 8 random characters (48 bits), never enough to guess it. */
export const PREFIX_LENGTH = 12;

/** A new secret for key `id`, and the record to store (its hash, never the secret). */
export function newKeySecret(id: string, now = Date.now()): { secret: string; record: KeyRecord } {
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, record: { id, hash: hashKeySecret(secret), prefix: secret.slice(0, PREFIX_LENGTH), createdAt: now } };
}

/**
 * The stored form of a secret: sha256, hex. A request's key is found by looking this hash up, so no comparison of
 * secrets happens in JavaScript that a timing attack could measure: the lookup's timing depends on the hash, which
 * an attacker cannot steer toward a stored one without already knowing its secret.
 */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The secret of an `Authorization: Bearer <secret>` header; undefined for none or another scheme. */
export function bearerSecret(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
