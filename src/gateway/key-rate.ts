/**
 * Per-key requests-per-minute: a token bucket holding up to `rpm` requests, refilled at rpm/60 per second. A full
 * bucket lets a quiet client burst up to a minute's allowance at once, as OpenAI's own limits do; a refused request
 * learns when the next one will be let through (its 429's Retry-After).
 */

/** Whether a request is let through, and if not, how long until one would be. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface KeyRateLimiter {
  take(keyId: string, rpm: number, now: number): RateDecision;
}

export function createKeyRateLimiter(): KeyRateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(keyId, rpm, now) {
      const perMs = rpm / 60_000;
      const bucket = buckets.get(keyId) ?? { tokens: rpm, at: now };
      bucket.tokens = Math.min(rpm, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      buckets.set(keyId, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
    },
  };
}
