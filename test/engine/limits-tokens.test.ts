/**
 * The `tpm` window on a fake clock: what is admitted, held and released is read from the window's state and the
 * order of grants, never from elapsed time, and nothing here sleeps.
 */
import { describe, expect, it, vi } from 'vitest';
import { createCaller } from '../../src/engine/caller.js';
import { createEventBus } from '../../src/engine/events.js';
import { createSemaphore } from '../../src/engine/limits.js';
import { createTokenWindow, TPM_WINDOW_MS, type TokenReservation } from '../../src/engine/limits-tokens.js';
import { ProviderError } from '../../src/errors.js';
import { fakeClock } from './fake-clock.js';

/** Runs every continuation queued so far: microtasks all run before the next macrotask. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pending promise (a reservation, a call) whose outcome a test can read after `flush`. */
function track<T>(promise: Promise<T>, order?: string[], name?: string) {
  const state: { granted?: T; error?: unknown } = {};
  promise.then(
    (granted) => {
      state.granted = granted;
      if (name !== undefined) order?.push(name);
    },
    (error: unknown) => (state.error = error),
  );
  return state;
}

/** Reserves and sends at once, as a call that gets its slots straight away does. */
async function sent(window: ReturnType<typeof createTokenWindow>, tokens: number): Promise<TokenReservation> {
  const reservation = await window.reserve(tokens);
  reservation.start();
  return reservation;
}

describe('createTokenWindow', () => {
  it('admits calls while their estimates fit, and holds the one that does not', async () => {
    const window = createTokenWindow(1000, fakeClock());
    await sent(window, 400);
    await sent(window, 500);
    const third = track(window.reserve(200));
    await flush();
    expect(third.granted).toBeUndefined();
    expect([window.used(), window.waiting]).toEqual([900, 1]);
  });

  it('lets a held call in when the oldest call leaves the window, 60 s after it was sent', async () => {
    const clock = fakeClock();
    const window = createTokenWindow(1000, clock);
    await sent(window, 600);
    clock.advance(10_000);
    await sent(window, 300);
    const held = track(window.reserve(600));
    clock.advance(TPM_WINDOW_MS - 10_000 - 1);
    await flush();
    expect(held.granted).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(held.granted).toBeDefined();
    expect(window.used()).toBe(900);
    expect(clock.sleepers).toBe(0);
  });

  it('counts a call from when it is sent, not from when it was admitted', async () => {
    const clock = fakeClock();
    const window = createTokenWindow(1000, clock);
    const first = await window.reserve(600);
    clock.advance(30_000); // waiting for an rpm slot or a global slot
    first.start();
    const held = track(window.reserve(600));
    clock.advance(TPM_WINDOW_MS - 1);
    await flush();
    expect(held.granted).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(held.granted).toBeDefined();
  });

  it('corrects a reservation to the usage reported, which lets a held call in without waiting', async () => {
    const clock = fakeClock();
    const window = createTokenWindow(1000, clock);
    const first = await sent(window, 600);
    const held = track(window.reserve(600));
    await flush();
    expect(held.granted).toBeUndefined();
    first.settle(50);
    await flush();
    expect(held.granted).toBeDefined();
    expect(window.used()).toBe(650);
  });

  it('keeps the estimate when no usage is reported, and drops a reservation that was never sent', async () => {
    const window = createTokenWindow(1000, fakeClock());
    (await sent(window, 600)).settle(undefined);
    expect(window.used()).toBe(600);
    (await window.reserve(300)).settle(undefined);
    expect(window.used()).toBe(600);
  });

  it('lets a call estimated above tpm through alone once the window is empty, instead of waiting forever', async () => {
    const clock = fakeClock();
    const window = createTokenWindow(1000, clock);
    await sent(window, 300);
    const big = track(window.reserve(5000));
    const after = track(window.reserve(10));
    clock.advance(TPM_WINDOW_MS);
    await flush();
    expect(big.granted).toBeDefined();
    expect(after.granted).toBeUndefined();
    big.granted!.start();
    expect(window.used()).toBe(5000);
    clock.advance(TPM_WINDOW_MS);
    await flush();
    expect(after.granted).toBeDefined();
    // On an empty window it does not wait at all.
    expect((await createTokenWindow(1000, clock).reserve(5000)) !== undefined).toBe(true);
  });

  it('serves calls in arrival order: a small call does not overtake a big one', async () => {
    const window = createTokenWindow(1000, fakeClock());
    const first = await sent(window, 900);
    const order: string[] = [];
    const big = track(window.reserve(800), order, 'big');
    const small = track(window.reserve(50), order, 'small');
    await flush();
    expect([big.granted, small.granted]).toEqual([undefined, undefined]);
    first.settle(100);
    await flush();
    expect(order).toEqual(['big', 'small']);
    expect(window.used()).toBe(950);
  });

  it('stops a wait when its signal aborts, and the next in line moves up', async () => {
    const clock = fakeClock();
    const window = createTokenWindow(1000, clock);
    await sent(window, 900);
    const stop = new AbortController();
    const aborted = track(window.reserve(500, stop.signal));
    const next = track(window.reserve(50));
    await flush();
    expect(clock.sleepers).toBe(1);
    stop.abort(new Error('cancelled'));
    await flush();
    expect((aborted.error as Error).message).toBe('cancelled');
    expect(next.granted).toBeDefined();
    expect([window.waiting, clock.sleepers]).toEqual([0, 0]);
    await expect(window.reserve(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});

describe('a caller with a tpm', () => {
  const options = (clock = fakeClock()) => ({
    events: createEventBus(),
    abort: new AbortController().signal,
    stop: new AbortController().signal,
    clock,
  });

  it('charges a call the usage it reports, and a call without usage its estimate', async () => {
    const call = createCaller({ tpm: 1000, timeoutMs: 5000, maxRetries: 0 }, createSemaphore(4), options());
    const usage = { input: 20, output: 10, total: 30 };
    await call({ cellId: 'a', providerId: 'p', tokens: 600 }, async () => ({ usage }));
    // 30 used + 900 fits: the first call's 600 no longer counts.
    await call({ cellId: 'b', providerId: 'p', tokens: 900 }, async () => ({}));
    const third = track(call({ cellId: 'c', providerId: 'p', tokens: 100 }, async () => ({})));
    await flush();
    expect(third.granted).toBeUndefined(); // 930 + 100 > 1000: the answer without usage still counts 900
  });

  it('keeps the estimate of a failed attempt, so its retry waits for room', async () => {
    const clock = fakeClock();
    const call = createCaller({ tpm: 1000, timeoutMs: 5000, maxRetries: 1 }, createSemaphore(4), options(clock));
    let attempts = 0;
    const answer = call({ cellId: 'a', providerId: 'p', tokens: 600 }, async () => {
      if (++attempts === 1) throw new ProviderError('overloaded', { retryable: true, retryAfterMs: 0 });
      return { usage: { input: 5, output: 5, total: 10 } };
    });
    const done = track(answer);
    // The retry (after a zero Retry-After) waits on the fake clock: 600 kept + 600 > 1000.
    await vi.waitFor(() => expect(clock.sleepers).toBe(1), { timeout: 5000 });
    expect([attempts, done.granted]).toEqual([1, undefined]);
    clock.advance(TPM_WINDOW_MS);
    await flush();
    expect(attempts).toBe(2);
    await answer;
  });
});
