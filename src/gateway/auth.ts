/**
 * Who a request is for. With `keys:` in the config, every request needs `Authorization: Bearer <secret>` of a live
 * key that the config still declares; the key's policy (budget, rpm, models) comes from the config, so editing
 * limits needs no new secret. Without `keys:`, requests are anonymous — allowed only because the CLI refuses to bind
 * such a gateway to anything but loopback.
 */
import { bearerSecret, hashKeySecret } from './key-secrets.js';
import type { GatewayStore, KeyPolicy, ResolvedGateway } from './types.js';

export type AuthResult = { ok: true; policy?: KeyPolicy } | { ok: false; message: string };

export async function authenticate(
  config: Pick<ResolvedGateway, 'keys'>,
  keys: GatewayStore['keys'],
  authorization: string | undefined,
): Promise<AuthResult> {
  if (!config.keys) return { ok: true };
  const secret = bearerSecret(authorization);
  if (secret === undefined) {
    return { ok: false, message: 'missing API key: send `Authorization: Bearer <key>` (make one with `llmlab gateway keys create <id>`)' };
  }
  const record = await keys.byHash(hashKeySecret(secret));
  // One message for unknown and revoked keys: which secrets ever existed is not the caller's business.
  if (!record) return { ok: false, message: 'invalid API key' };
  const policy = config.keys[record.id];
  if (!policy) return { ok: false, message: `key \`${record.id}\` is no longer declared in the gateway config` };
  return { ok: true, policy };
}
