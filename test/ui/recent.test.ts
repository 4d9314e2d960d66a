import { describe, expect, it } from 'vitest';
import { addRecent, recentItems, type Recent } from '../../src/ui/recent.js';

describe('recent list', () => {
  it('keeps the newest items, oldest first, and shares the older list', () => {
    let list: Recent<number>;
    for (let i = 1; i <= 5; i++) list = addRecent(list, i, 3);
    expect(recentItems(list, 3)).toEqual([3, 4, 5]);
    expect(recentItems(list, 10)).toEqual([1, 2, 3, 4, 5]);
    const older = list;
    const newer = addRecent(older, 6, 3);
    expect(newer!.rest).toBe(older);
    expect(recentItems(older, 3)).toEqual([3, 4, 5]);
    expect(recentItems(undefined, 3)).toEqual([]);
  });

  it('never holds more than twice its limit', () => {
    let list: Recent<number>;
    for (let i = 0; i < 10_000; i++) {
      list = addRecent(list, i, 50);
      expect(list!.length).toBeLessThanOrEqual(100);
    }
    let nodes = 0;
    for (let node = list; node; node = node.rest) nodes++;
    expect(nodes).toBe(list!.length);
    expect(recentItems(list, 50)).toEqual(Array.from({ length: 50 }, (_, i) => 9950 + i));
  });
});
