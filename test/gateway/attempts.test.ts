import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { triggerOf, tryCandidates, type AttemptOptions } from '../../src/gateway/attempts.js';
import { createRouter } from '../../src/gateway/router.js';
import type { GatewayCandidate } from '../../src/gateway/types.js';
import { fakeClock } from '../engine/fake-clock.js';
import { candidate, FALLBACK, virtualModel } from './candidates.js';

type Behaviour = (signal: AbortSignal) => Promise<string>;

/** An answer that never comes unless the attempt's signal aborts: a hung upstream, no real time involved. */
const hang: Behaviour = (signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
const fail = (status?: number, retryAfterMs?: number): Behaviour => async () => {
  throw new ProviderError(status === undefined ? 'connection failed: ECONNRESET' : `HTTP ${status}`, {
    ...(status === undefined ? {} : { status }),
    retryable: true,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
};
const answer = (text: string): Behaviour => async () => text;

/**
 * Runs tryCandidates over candidates with scripted behaviours on a fake clock. `called` lists the labels in the
 * order they were called; `started` resolves each time a call begins, so a test advances the clock only once the
 * attempt (and its timer) is in place.
 */
function setup(script: Record<string, Behaviour>, options: { timeouts?: Record<string, number>; deadlineIn?: number } = {}) {
  const clock = fakeClock();
  const cands = Object.keys(script).map((label) => candidate(label, { timeoutMs: options.timeouts?.[label] ?? 60_000 }));
  const router = createRouter(virtualModel('fallback', cands), { now: clock.now });
  const called: string[] = [];
  const signals: Record<string, AbortSignal> = {};
  let notify: () => void = () => undefined;
  const next = () => new Promise<void>((resolve) => (notify = resolve));
  let started = next();
  const call = (c: GatewayCandidate, signal: AbortSignal) => {
    called.push(c.label);
    signals[c.label] = signal;
    const done = notify;
    started = next();
    done();
    return script[c.label]!(signal);
  };
  const run = (extra: Partial<AttemptOptions> = {}) =>
    tryCandidates(router.order(), call, {
      deadlineMs: clock.now() + (options.deadlineIn ?? 10_000),
      rule: FALLBACK,
      router,
      now: clock.now,
      sleep: clock.sleep,
      ...extra,
    });
  return { clock, router, called, signals, run, started: () => started };
}

describe('tryCandidates', () => {
  it('falls back on 429, 5xx and connection errors to the first candidate that answers', async () => {
    const t = setup({ a: fail(429), b: fail(503), c: fail(), d: answer('hi') });
    const result = await t.run();
    expect(result).toMatchObject({ ok: true, value: 'hi', candidate: { label: 'd' } });
    expect(result.attempts).toEqual([
      { candidate: 'a', reason: 'HTTP 429' },
      { candidate: 'b', reason: 'HTTP 503' },
      { candidate: 'c', reason: 'connection failed: ECONNRESET' },
    ]);
    expect(t.clock.sleepers).toBe(0);
  });

  it('times a hung candidate out at its own timeout and moves on while the deadline allows', async () => {
    const t = setup({ a: hang, b: answer('late but fine') }, { timeouts: { a: 1000 } });
    const pending = t.run();
    await t.started();
    t.clock.advance(999);
    expect(t.called).toEqual(['a']);
    t.clock.advance(1);
    const result = await pending;
    expect(result).toMatchObject({ ok: true, value: 'late but fine', attempts: [{ candidate: 'a', reason: 'timed out after 1000 ms' }] });
    expect(t.signals['a']!.aborted).toBe(true);
  });

  it('gives each attempt only the time left to the deadline, and answers 504 when it passes', async () => {
    const t = setup({ a: fail(503), b: hang, c: answer('never asked') }, { deadlineIn: 3000 });
    const script = t.run();
    await t.started(); // a fails at once
    await t.started(); // b starts
    t.clock.advance(2999);
    expect(t.clock.sleepers).toBe(1);
    t.clock.advance(1);
    const result = await script;
    expect(result).toMatchObject({ ok: false, status: 504, candidate: { label: 'b' } });
    expect(result.attempts).toEqual([
      { candidate: 'a', reason: 'HTTP 503' },
      { candidate: 'b', reason: 'timed out after 3000 ms' },
    ]);
    expect(result.ok === false && result.message).toMatch(/deadline passed after a \(HTTP 503\), b \(timed out after 3000 ms\)/);
    expect(t.called).toEqual(['a', 'b']);
  });

  it('never starts an attempt after the deadline', async () => {
    const t = setup({ a: answer('x') });
    const result = await t.run({ deadlineMs: t.clock.now() });
    expect(result).toMatchObject({ ok: false, status: 504, attempts: [] });
    expect(t.called).toEqual([]);
  });

  it('shortens the next attempt by the time the failed ones took', async () => {
    const clock = fakeClock();
    const [a, b] = [candidate('a'), candidate('b')];
    const router = createRouter(virtualModel('fallback', [a, b]), { now: clock.now });
    const slowFailure = async () => {
      clock.advance(4000);
      throw new ProviderError('HTTP 502', { status: 502 });
    };
    let bStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (bStarted = resolve));
    const pending = tryCandidates([a, b], (c, signal) => (c.label === 'a' ? slowFailure() : (bStarted(), hang(signal))), {
      deadlineMs: clock.now() + 5000,
      rule: FALLBACK,
      router,
      now: clock.now,
      sleep: clock.sleep,
    });
    await started;
    clock.advance(1000);
    const result = await pending;
    expect(result).toMatchObject({ ok: false, status: 504 });
    expect(result.attempts[1]).toEqual({ candidate: 'b', reason: 'timed out after 1000 ms' });
  });

  it('abandons a call that ignores its signal at the timeout', async () => {
    const t = setup({ a: () => new Promise<string>(() => undefined), b: answer('ok') }, { timeouts: { a: 50 } });
    const pending = t.run();
    await t.started();
    t.clock.advance(50);
    expect(await pending).toMatchObject({ ok: true, value: 'ok' });
  });

  it('returns a 400 at once without trying the next candidate', async () => {
    const t = setup({ a: fail(400), b: answer('x') });
    const result = await t.run();
    expect(result).toMatchObject({ ok: false, status: 400, candidate: { label: 'a' }, attempts: [{ candidate: 'a', reason: 'HTTP 400' }] });
    expect(t.called).toEqual(['a']);
    expect(t.router.describe()[0]!.breaker).toBe('closed');
  });

  it('returns a failure whose trigger is not in `fallback.on` at once, with its own status', async () => {
    const t = setup({ a: fail(429), b: answer('x') });
    const result = await t.run({ rule: { ...FALLBACK, on: ['5xx'] } });
    expect(result).toMatchObject({ ok: false, status: 429 });
    expect(t.called).toEqual(['a']);
  });

  it('ends the request with a 504 when a timeout is not in `fallback.on`', async () => {
    const t = setup({ a: hang, b: answer('x') }, { timeouts: { a: 100 } });
    const pending = t.run({ rule: { ...FALLBACK, on: ['429', '5xx'] } });
    await t.started();
    t.clock.advance(100);
    expect(await pending).toMatchObject({ ok: false, status: 504, attempts: [{ candidate: 'a', reason: 'timed out after 100 ms' }] });
    expect(t.called).toEqual(['a']);
  });

  it('does not wait for a Retry-After: the next candidate is tried at once', async () => {
    const t = setup({ a: fail(429, 60_000), b: answer('now') });
    expect(await t.run()).toMatchObject({ ok: true, value: 'now' });
    expect(t.clock.sleepers).toBe(0);
  });

  it('answers 429 with the shortest Retry-After when every candidate is rate limited, else 502', async () => {
    const limited = await setup({ a: fail(429, 9000), b: fail(429, 2000) }).run();
    expect(limited).toMatchObject({ ok: false, status: 429, retryAfterMs: 2000 });
    const mixed = await setup({ a: fail(429), b: fail(500) }).run();
    expect(mixed).toMatchObject({ ok: false, status: 502, message: 'every candidate failed: a (HTTP 429), b (HTTP 500)' });
  });

  it('a bug in the call (not a provider error) is a 500 and is not retried elsewhere', async () => {
    const t = setup({ a: async () => { throw new TypeError('x is undefined'); }, b: answer('x') });
    expect(await t.run()).toMatchObject({ ok: false, status: 500, message: 'a: x is undefined' });
    expect(t.called).toEqual(['a']);
  });

  it('stops when the client goes: the attempt is cancelled and nothing else is tried', async () => {
    const t = setup({ a: hang, b: answer('x') });
    const client = new AbortController();
    const pending = t.run({ signal: client.signal });
    await t.started();
    client.abort();
    const result = await pending;
    expect(result).toMatchObject({ ok: false, status: 499, attempts: [{ candidate: 'a', reason: 'the client closed the request' }] });
    expect(t.signals['a']!.aborted).toBe(true);
    expect(t.called).toEqual(['a']);
    expect(t.router.describe()[0]!.breaker).toBe('closed');
  });

  it('after a success, stops the attempt timer but still cancels the signal (a stream) when the client goes', async () => {
    const t = setup({ a: answer('stream opened') });
    const client = new AbortController();
    expect(await t.run({ signal: client.signal })).toMatchObject({ ok: true });
    expect(t.clock.sleepers).toBe(0);
    t.clock.advance(120_000);
    expect(t.signals['a']!.aborted).toBe(false);
    client.abort();
    expect(t.signals['a']!.aborted).toBe(true);
  });

  it('counts failures against the breaker, and tries an open candidate only after the others', async () => {
    const t = setup({ a: fail(503), b: answer('b') });
    for (let i = 0; i < 3; i++) await t.run();
    expect(t.router.describe()[0]!.breaker).toBe('open');
    t.called.length = 0;
    // An order computed before the breaker opened still reaches `a` last: the router refuses it at attempt time.
    const stale = [candidate('a'), candidate('b')];
    const result = await tryCandidates(stale, (c, signal) => fail(c.label === 'a' ? 503 : 500)(signal), {
      deadlineMs: t.clock.now() + 1000,
      rule: FALLBACK,
      router: t.router,
      now: t.clock.now,
      sleep: t.clock.sleep,
    });
    expect(result.attempts.map((a) => a.candidate)).toEqual(['b', 'a']);
  });
});

describe('triggerOf', () => {
  const provider = (status?: number) => new ProviderError('x', status === undefined ? {} : { status });
  it.each([
    ['our timeout', new Error('anything'), true, 'timeout'],
    ['429', provider(429), false, '429'],
    ['500', provider(500), false, '5xx'],
    ['503', provider(503), false, '5xx'],
    ['408', provider(408), false, 'timeout'],
    ['connection error / malformed answer', provider(), false, 'error'],
    ['401 (the candidate’s key)', provider(401), false, 'error'],
    ['404 (the candidate’s model)', provider(404), false, 'error'],
    ['400', provider(400), false, undefined],
    ['422', provider(422), false, undefined],
    ['a bug', new TypeError('boom'), false, undefined],
  ])('%s', (_, error, timedOut, expected) => {
    expect(triggerOf(error, timedOut)).toBe(expected);
  });
});
