/**
 * `--watch --no-cache`: no answer from before the session is read, yet a save still re-runs only what it changed.
 * Every run of the session goes through a view of the store whose cache reads only the answers this session
 * stored, so a cell whose key an earlier session (or yesterday's run) cached is still asked afresh.
 */
import type { Store } from '../store/index.js';

/** The store with a cache that forgets every answer not stored through it. */
export function sessionStore(store: Store): Store {
  const stored = new Set<string>();
  const cache: Store['cache'] = {
    ...store.cache,
    get: (key) => (stored.has(key) ? store.cache.get(key) : undefined),
    put: (key, providerId, result) => {
      store.cache.put(key, providerId, result);
      stored.add(key);
    },
  };
  return { ...store, cache };
}
