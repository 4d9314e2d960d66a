import { describe, expect, it } from 'vitest';
import { CANARY_PREFIX, makeCanary } from '../../src/attacks/canary.js';

describe('makeCanary', () => {
  it('is deterministic per seed, distinct across seeds, and shaped as prefix + 12 hex digits', () => {
    expect(makeCanary('suite/test-1')).toBe(makeCanary('suite/test-1'));
    expect(makeCanary('suite/test-1')).not.toBe(makeCanary('suite/test-2'));
    expect(makeCanary('')).toMatch(new RegExp(`^${CANARY_PREFIX}[0-9a-f]{12}$`));
    const many = new Set(Array.from({ length: 1000 }, (_, i) => makeCanary(String(i))));
    expect(many.size).toBe(1000);
  });
});
