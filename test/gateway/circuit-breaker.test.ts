import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/gateway/circuit-breaker.js';
import { fakeClock } from '../engine/fake-clock.js';
import { FALLBACK } from './candidates.js';

function breaker(rule = FALLBACK) {
  const clock = fakeClock();
  return { clock, b: createCircuitBreaker(rule, clock.now) };
}

describe('circuit breaker', () => {
  it('opens after `failures` consecutive trigger failures, and a success in between resets the count', () => {
    const { b } = breaker();
    b.failure('5xx');
    b.failure('429');
    b.success();
    b.failure('timeout');
    b.failure('error');
    expect(b.state()).toBe('closed');
    b.failure('5xx');
    expect(b.state()).toBe('open');
    expect(b.available()).toBe(false);
    expect(b.acquire()).toBe(false);
  });

  it('does not count failures outside `fallback.on`, nor non-trigger errors such as a 400', () => {
    const { b } = breaker({ ...FALLBACK, on: ['5xx'], failures: 1 });
    b.failure('429');
    b.failure(undefined);
    b.failure('timeout');
    expect(b.state()).toBe('closed');
    b.failure('5xx');
    expect(b.state()).toBe('open');
  });

  it('turns half-open after the cooldown and admits exactly one trial; its success closes the breaker', () => {
    const { b, clock } = breaker({ ...FALLBACK, failures: 1 });
    b.failure('5xx');
    clock.advance(29_999);
    expect(b.state()).toBe('open');
    clock.advance(1);
    expect(b.state()).toBe('half-open');
    expect(b.available()).toBe(true);
    expect(b.acquire()).toBe(true);
    expect(b.available()).toBe(false);
    expect(b.acquire()).toBe(false);
    b.success();
    expect(b.state()).toBe('closed');
    expect(b.acquire()).toBe(true);
    expect(b.acquire()).toBe(true);
  });

  it('re-opens for a whole new cooldown when the trial fails', () => {
    const { b, clock } = breaker({ ...FALLBACK, failures: 2 });
    b.failure('5xx');
    b.failure('5xx');
    clock.advance(30_000);
    expect(b.acquire()).toBe(true);
    clock.advance(500);
    b.failure('timeout');
    expect(b.state()).toBe('open');
    clock.advance(29_999);
    expect(b.state()).toBe('open');
    clock.advance(1);
    expect(b.state()).toBe('half-open');
  });

  it('frees the trial when it ends in a non-trigger error, so the next request gets it', () => {
    const { b, clock } = breaker({ ...FALLBACK, failures: 1 });
    b.failure('5xx');
    clock.advance(30_000);
    expect(b.acquire()).toBe(true);
    b.failure(undefined);
    expect(b.state()).toBe('half-open');
    expect(b.acquire()).toBe(true);
  });

  it('lets a trial whose outcome never came lapse after a cooldown', () => {
    const { b, clock } = breaker({ ...FALLBACK, failures: 1 });
    b.failure('5xx');
    clock.advance(30_000);
    expect(b.acquire()).toBe(true);
    clock.advance(29_999);
    expect(b.acquire()).toBe(false);
    clock.advance(1);
    expect(b.acquire()).toBe(true);
  });

  it('closes when an open candidate, tried as a last resort, answers', () => {
    const { b } = breaker({ ...FALLBACK, failures: 1 });
    b.failure('429');
    expect(b.state()).toBe('open');
    b.success();
    expect(b.state()).toBe('closed');
  });
});
