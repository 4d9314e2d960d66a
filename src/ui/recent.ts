/**
 * An immutable list of the most recent items, for the reducer's failures and latencies: adding is O(1)
 * (amortised) and shares everything before it, where copying a capped array would cost O(limit) per event.
 */

/** Newest first; `undefined` is the empty list. */
export type Recent<T> = { readonly item: T; readonly rest: Recent<T>; readonly length: number } | undefined;

/** Adds `item`; past twice `limit` items the list is cut back to `limit`, so memory stays bounded. */
export function addRecent<T>(list: Recent<T>, item: T, limit: number): Recent<T> {
  const next = { item, rest: list, length: (list?.length ?? 0) + 1 };
  return next.length > 2 * limit ? fromNewestFirst(newestFirst(next, limit)) : next;
}

/** The newest `limit` items, oldest first. */
export function recentItems<T>(list: Recent<T>, limit: number): T[] {
  return newestFirst(list, limit).reverse();
}

function newestFirst<T>(list: Recent<T>, limit: number): T[] {
  const items: T[] = [];
  for (let node = list; node && items.length < limit; node = node.rest) items.push(node.item);
  return items;
}

function fromNewestFirst<T>(items: T[]): Recent<T> {
  let list: Recent<T>;
  for (let i = items.length - 1; i >= 0; i--) list = { item: items[i]!, rest: list, length: items.length - i };
  return list;
}
