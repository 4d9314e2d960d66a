import { describe, expect, it } from 'vitest';
import { cellId, responseKey, stableStringify } from '../../src/engine/cache-key.js';
import { backoffMs, classify } from '../../src/engine/retry.js';
import { ProviderError } from '../../src/errors.js';

const base = {
  providerType: 'openai',
  identity: { baseUrl: 'u', model: 'm', temperature: 0 },
  messages: [{ role: 'user' as const, content: 'hi' }],
  prompt: 'hi',
  vars: { q: 1 },
  repeatIndex: 0,
  varsMatter: false,
};

describe('response keys', () => {
  it('ignore key order but change with anything that changes the answer', () => {
    const k = responseKey(base);
    expect(responseKey({ ...base, identity: { temperature: 0, model: 'm', baseUrl: 'u' } })).toBe(k);
    expect(responseKey({ ...base, identity: { ...base.identity, temperature: 1 } })).not.toBe(k);
    expect(responseKey({ ...base, repeatIndex: 1 })).not.toBe(k);
    expect(responseKey({ ...base, prompt: 'hi!', messages: [{ role: 'user', content: 'hi!' }] })).not.toBe(k);
    expect(responseKey({ ...base, vars: { q: 2 } })).toBe(k);
    expect(responseKey({ ...base, varsMatter: true, vars: { q: 2 } })).not.toBe(responseKey({ ...base, varsMatter: true }));
  });

  it('change with the tools and toolChoice, and are as before for a request without tools', () => {
    const tool = { type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: {} } } };
    const k = responseKey(base);
    // Pinned: a request without tools keeps the key it had before tools existed, so old caches stay valid.
    expect(k).toBe('0597ed97d78b0843d03695382e9bbac45659b1414f84949d2ff2ae5168d717b2');
    const withTools = responseKey({ ...base, tools: [tool] });
    expect(withTools).not.toBe(k);
    expect(responseKey({ ...base, tools: [{ ...tool, function: { ...tool.function, name: 'g' } }] })).not.toBe(withTools);
    expect(responseKey({ ...base, tools: [tool], toolChoice: 'required' })).not.toBe(withTools);
    expect(responseKey({ ...base, tools: [tool], toolChoice: { name: 'f' } })).not.toBe(responseKey({ ...base, tools: [tool], toolChoice: 'required' }));
  });

  it('change when token log-probabilities are asked for, and stay as before when they are not', () => {
    const k = responseKey(base);
    expect(responseKey({ ...base, logprobs: false })).toBe(k);
    expect(responseKey({ ...base, logprobs: true })).not.toBe(k);
  });

  it('cell ids depend on coordinates only', () => {
    expect(cellId('a', 'p', 't', 0)).toBe(cellId('a', 'p', 't', 0));
    expect(cellId('a', 'p', 't', 1)).not.toBe(cellId('a', 'p', 't', 0));
    expect(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});

describe('retry policy', () => {
  it('retries retryable provider errors and timeouts only', () => {
    expect(classify(new ProviderError('429', { retryable: true, retryAfterMs: 1000 }), false, 10)).toMatchObject({ retryable: true, retryAfterMs: 1000 });
    expect(classify(new ProviderError('400'), false, 10).retryable).toBe(false);
    expect(classify(new TypeError('bug'), false, 10).retryable).toBe(false);
    expect(classify(new Error('aborted'), true, 250)).toEqual({ retryable: true, message: 'timed out after 250 ms' });
  });

  it('honours Retry-After (capped) and otherwise backs off exponentially with jitter', () => {
    expect(backoffMs(0, 1500)).toBe(1500);
    expect(backoffMs(0, 10_000_000)).toBe(120_000);
    expect(backoffMs(0, undefined, () => 0)).toBe(250);
    expect(backoffMs(0, undefined, () => 1)).toBe(500);
    expect(backoffMs(3, undefined, () => 1)).toBe(4000);
    expect(backoffMs(20, undefined, () => 1)).toBe(30_000);
  });
});
