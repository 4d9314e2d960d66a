import { describe, expect, it } from 'vitest';
import { didYouMean, listNames, suggestionHint } from '../../src/config/did-you-mean.js';

describe('did-you-mean', () => {
  it('suggests the closest plausible candidate, case-insensitively', () => {
    const keys = ['id', 'description', 'vars', 'assert', 'cluster', 'metadata'];
    expect(didYouMean('asert', keys)).toBe('assert');
    expect(didYouMean('Vars', keys)).toBe('vars');
    expect(didYouMean('descripton', keys)).toBe('description');
    expect(didYouMean('xyz', keys)).toBeUndefined();
    expect(didYouMean('opnai', ['openai', 'ollama'])).toBe('openai');
    expect(didYouMean('not-contians', ['contains', 'not-contains'])).toBe('not-contains');
  });

  it('formats hints and name lists', () => {
    expect(suggestionHint('asert', ['assert', 'vars'])).toBe('did you mean `assert`?');
    expect(suggestionHint('zzz', ['assert', 'vars'], 'allowed keys')).toBe('allowed keys: `assert`, `vars`');
    expect(listNames(['a'])).toBe('`a`');
    expect(listNames(['a', 'b', 'c'])).toBe('`a`, `b` or `c`');
  });
});
