import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayStore } from '../../src/store/gateway.js';
import { createGatewayUnits } from '../../src/store/gateway-units.js';
import { openStore, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-gateway-units-'));
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createGatewayUnits', () => {
  it("finds a unit's first arm in an experiment from the request log", async () => {
    const gateway = createGatewayStore(store, { flushMs: 60_000 });
    const row = { model: 'm', status: 200, stream: false, cached: false, costUsd: 0, latencyMs: 1, overheadMs: 0 };
    gateway.log.append({ ...row, id: 'req_1', at: 2, experiment: 'e', arm: 'treatment', unit: 'u1' });
    gateway.log.append({ ...row, id: 'req_2', at: 1, experiment: 'e', arm: 'control', unit: 'u1' });
    gateway.log.append({ ...row, id: 'req_3', at: 3, experiment: 'other', arm: 'x', unit: 'u2' });
    await gateway.close();
    const units = createGatewayUnits(store.db);
    expect(units.armOf('e', 'u1')).toBe('control');
    expect(units.armOf('e', 'u2')).toBeUndefined();
    expect(units.armOf('other', 'u2')).toBe('x');
  });
});
