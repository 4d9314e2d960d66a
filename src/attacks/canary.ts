import { createHash } from 'node:crypto';

/** Prefix of every canary: greppable in transcripts and rare in natural text. */
export const CANARY_PREFIX = 'CANARY-';

/**
 * A canary token for `seed`: the prefix plus 12 hex digits of SHA-256(seed). Deterministic, so a cached run
 * plants the same token, and 48 bits of hash make an accidental occurrence in a model's output negligible.
 */
export function makeCanary(seed: string): string {
  return CANARY_PREFIX + createHash('sha256').update(`llmlab-canary\0${seed}`).digest('hex').slice(0, 12);
}

/**
 * A canary in the shape of a real secret, so the target treats it as one rather than as an obvious test token
 * (a model that recognises `CANARY-…` may guard it more, or less, than the real thing). `{hex}` in `shape` is
 * replaced by 12 hex digits of the seed's hash, `{hex6}` by 6 of them.
 */
export function shapedCanary(seed: string, shape: string): string {
  const hex = makeCanary(seed).slice(CANARY_PREFIX.length);
  return shape.replace(/\{hex\}/g, hex).replace(/\{hex6\}/g, hex.slice(0, 6));
}
