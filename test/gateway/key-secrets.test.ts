import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerSecret, hashKeySecret, newKeySecret } from '../../src/gateway/key-secrets.js';

describe('virtual-key secrets', () => {
  it('makes an llk_ secret of 32 random bytes and a record holding only its sha256 and prefix', () => {
    const { secret, record } = newKeySecret('team-a', 1234);
    expect(secret).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(4), 'base64url')).toHaveLength(32);
    expect(record).toEqual({ id: 'team-a', hash: createHash('sha256').update(secret).digest('hex'), prefix: secret.slice(0, 12), createdAt: 1234 });
    expect(JSON.stringify(record)).not.toContain(secret);
    expect(hashKeySecret(secret)).toBe(record.hash);
    expect(newKeySecret('team-a').secret).not.toBe(secret);
  });

  it('reads the secret of a Bearer header, and nothing else', () => {
    expect(bearerSecret('Bearer llk_abc')).toBe('llk_abc');
    expect(bearerSecret('bearer   llk_abc ')).toBe('llk_abc');
    expect(bearerSecret(undefined)).toBeUndefined();
    expect(bearerSecret('Basic dXNlcjpwdw==')).toBeUndefined();
    expect(bearerSecret('Bearer')).toBeUndefined();
    expect(bearerSecret('Bearer a b')).toBeUndefined();
  });
});
