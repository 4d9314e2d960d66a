/**
 * One candidate's circuit breaker: after `fallback.failures` consecutive failures of the kinds in `fallback.on` it
 * opens, and requests try the candidate only after every other one (it is not hammered while it is down); after
 * `cooldownMs` it is half-open and admits ONE trial request, whose success closes it and whose failure opens it
 * for another cooldown. Time comes from `now()`, so tests move a fake clock instead of waiting.
 */
import type { FallbackRule, FallbackTrigger } from './types.js';

/** Where a breaker stands at one moment. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** The part of the fallback rule a breaker reads. */
export type BreakerRule = Pick<FallbackRule, 'on' | 'failures' | 'cooldownMs'>;

export interface CircuitBreaker {
  state(): BreakerState;
  /** Whether a request would be admitted now, without taking the half-open trial: what ordering reads. */
  available(): boolean;
  /**
   * Admits a request about to be sent: always when closed, never when open; when half-open, the first caller takes
   * the single trial and the others are refused until its outcome is recorded.
   */
  acquire(): boolean;
  /** A successful answer: closes the breaker (also an open one, tried as a last resort: the candidate is up). */
  success(): void;
  /**
   * A failed attempt. Only a `trigger` listed in `rule.on` counts; anything else (a 400 is the request's fault, a
   * client that went away is nobody's) leaves the count alone and only frees a half-open trial for the next one.
   */
  failure(trigger: FallbackTrigger | undefined): void;
}

export function createCircuitBreaker(rule: BreakerRule, now: () => number): CircuitBreaker {
  const counts = new Set<FallbackTrigger>(rule.on);
  let consecutive = 0;
  let openedAt: number | undefined;
  // When the half-open trial went out. It lapses after a cooldown, so a trial whose outcome never got recorded
  // (a bug, a lost promise) cannot keep the candidate out for good.
  let trialAt: number | undefined;

  const state = (): BreakerState => {
    if (openedAt === undefined) return 'closed';
    return now() - openedAt < rule.cooldownMs ? 'open' : 'half-open';
  };
  const trialInFlight = () => trialAt !== undefined && now() - trialAt < rule.cooldownMs;

  return {
    state,
    available() {
      const s = state();
      return s === 'closed' || (s === 'half-open' && !trialInFlight());
    },
    acquire() {
      const s = state();
      if (s === 'closed') return true;
      if (s === 'open' || trialInFlight()) return false;
      trialAt = now();
      return true;
    },
    success() {
      consecutive = 0;
      openedAt = undefined;
      trialAt = undefined;
    },
    failure(trigger) {
      const wasTrial = trialAt !== undefined;
      trialAt = undefined;
      if (trigger === undefined || !counts.has(trigger)) return;
      if (openedAt !== undefined || wasTrial) {
        // The trial (or a last-resort try while open) failed: another full cooldown.
        openedAt = now();
        return;
      }
      consecutive++;
      if (consecutive >= rule.failures) openedAt = now();
    },
  };
}
