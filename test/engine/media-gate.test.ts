/** The media gate: requests with media wait while the bytes in flight would pass the budget; text never waits. */
import { describe, expect, it } from 'vitest';
import { createMediaGate, requestMediaBytes } from '../../src/engine/media-gate.js';
import type { ChatMessage, MediaRef } from '../../src/types.js';

const MB = 1024 * 1024;

describe('createMediaGate', () => {
  it('holds a request whose media would pass the budget until enough is released, in arrival order', async () => {
    const gate = createMediaGate(20 * MB);
    const a = await gate.acquire(8 * MB);
    const b = await gate.acquire(8 * MB);
    expect(gate.inFlight()).toBe(16 * MB);
    const order: string[] = [];
    const c = gate.acquire(8 * MB).then((release) => (order.push('c'), release));
    const d = gate.acquire(1 * MB).then((release) => (order.push('d'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    const releaseC = await c;
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    expect(gate.inFlight()).toBe(17 * MB);
    [b, releaseC, releaseD].forEach((release) => release());
    releaseC();
    expect(gate.inFlight()).toBe(0);
  });

  it('lets text through at once and a request larger than the budget run alone', async () => {
    const gate = createMediaGate(4 * MB);
    const text = await gate.acquire(0);
    expect(gate.inFlight()).toBe(0);
    text();
    const huge = await gate.acquire(10 * MB);
    expect(gate.inFlight()).toBe(10 * MB);
    huge();
  });

  it('counts the stored media of a request, not URLs', () => {
    const image = (bytes: number, path?: string): MediaRef => ({ $media: 'image', hash: 'h', mimeType: 'image/png', bytes, name: 'x', ...(path ? { path } : {}) });
    const messages: ChatMessage[] = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'x', parts: [{ type: 'text', text: 'x' }, { type: 'image', media: image(5, '/a') }, { type: 'image', media: image(7) }] },
    ];
    expect(requestMediaBytes(messages)).toBe(5);
  });
});
