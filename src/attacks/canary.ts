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
