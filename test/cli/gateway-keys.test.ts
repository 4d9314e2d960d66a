/**
 * `llmlab gateway keys create|list|revoke`, called as the lead's `llmlab gateway` dispatches it, over a real store in
 * a temp project: a secret is printed once and only its hash is stored, a second create rotates, revoke by id or
 * prefix, and the mistakes a user makes exit 2 with a hint.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatewayKeysCommand } from '../../src/cli/gateway-keys.js';
import type { CliIo } from '../../src/cli/io.js';
import { finishRun } from '../../src/cli/run-finish.js';
import { hashKeySecret } from '../../src/gateway/key-secrets.js';
import { createGatewayStore } from '../../src/store/gateway.js';
import { openStore } from '../../src/store/index.js';
import { thrownAsyncLlmlabError } from '../thrown.js';

let dir: string;
const DECLARED = ['team-a', 'team-b'];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-gateway-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command with captured output, closing its store as main() would. */
async function keys(args: string[], options: { json?: boolean; declared?: string[] | null } = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (t) => void (out += t) }, stderr: { write: (t) => void (err += t) }, env: {}, cwd: dir };
  const declared = options.declared === null ? undefined : (options.declared ?? DECLARED);
  try {
    const code = await gatewayKeysCommand(args, { json: options.json }, declared, io);
    return { code, out, err };
  } finally {
    finishRun(io);
  }
}

async function liveIdOf(secret: string): Promise<string | undefined> {
  const store = openStore(join(dir, '.llmlab', 'llmlab.db'));
  try {
    return (await createGatewayStore(store).keys.byHash(hashKeySecret(secret)))?.id;
  } finally {
    store.close();
  }
}

describe('llmlab gateway keys', () => {
  it('creates a secret, prints it once, and stores only its hash', async () => {
    const created = await keys(['create', 'team-a']);
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
    expect(created.err).toContain(`created a secret for key team-a (${secret.slice(0, 12)}…): store it now, it cannot be shown again`);
    expect(await liveIdOf(secret)).toBe('team-a');
    // Neither the secret nor anything that prints later holds it again.
    const db = readFileSync(join(dir, '.llmlab', 'llmlab.db'));
    expect(db.includes(secret)).toBe(false);
    const listed = await keys(['list']);
    expect(listed.out).not.toContain(secret);
    expect(listed.out).not.toContain(hashKeySecret(secret));
    expect(listed.out).toMatch(new RegExp(`^team-a\\s+${secret.slice(0, 12)}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+-$`, 'm'));
  });

  it('rotates: a second create adds a secret, both work until one is revoked by its prefix', async () => {
    const first = (await keys(['create', 'team-a'])).out.trim();
    const second = await keys(['create', 'team-a']);
    const next = second.out.trim();
    expect(second.err).toContain(`team-a now has 2 live secrets; when clients use the new one: llmlab gateway keys revoke ${first.slice(0, 12)}`);
    expect([await liveIdOf(first), await liveIdOf(next)]).toEqual(['team-a', 'team-a']);
    const revoked = await keys(['revoke', first.slice(0, 12)]);
    expect(revoked).toMatchObject({ code: 0, out: `revoked secret ${first.slice(0, 12)}… of key team-a: requests with it now get 401\n` });
    expect(await liveIdOf(first)).toBeUndefined();
    expect(await liveIdOf(next)).toBe('team-a');
  });

  it('revokes every secret of a key by its id, and lists them as revoked', async () => {
    await keys(['create', 'team-a']);
    await keys(['create', 'team-a']);
    const kept = (await keys(['create', 'team-b'])).out.trim();
    expect((await keys(['revoke', 'team-a'])).out).toBe('revoked 2 secrets of key team-a: requests with it now get 401\n');
    expect(await liveIdOf(kept)).toBe('team-b');
    const listed = await keys(['list'], { json: true });
    const rows = JSON.parse(listed.out) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.id, typeof r.revokedAt])).toEqual([['team-a', 'string'], ['team-a', 'string'], ['team-b', 'undefined']]);
    expect(rows.every((r) => !('hash' in r) && !('secret' in r))).toBe(true);
  });

  it('marks a live secret whose key the config no longer declares', async () => {
    await keys(['create', 'team-b']);
    const listed = await keys(['list'], { declared: ['team-a'] });
    expect(listed.out).toMatch(/^team-b +llk_\S+ +[\d: -]+ +- +not in config$/m);
  });

  it('prints the secret as JSON with --json', async () => {
    const created = await keys(['create', 'team-b'], { json: true });
    const body = JSON.parse(created.out) as { id: string; prefix: string; secret: string };
    expect(body).toMatchObject({ id: 'team-b', prefix: body.secret.slice(0, 12) });
    expect(await liveIdOf(body.secret)).toBe('team-b');
  });

  it('says so when there is nothing to list', async () => {
    expect(await keys(['list'])).toMatchObject({ code: 0, out: 'no key secrets yet: make one with `llmlab gateway keys create <id>`\n' });
  });

  it('refuses an undeclared id with a did-you-mean, and a config without keys', async () => {
    const typo = await thrownAsyncLlmlabError(() => keys(['create', 'team-c']));
    expect(typo).toMatchObject({ code: 'USAGE', message: "no key `team-c` in the gateway config's `keys:`", hint: 'did you mean `team-a`?' });
    const far = await thrownAsyncLlmlabError(() => keys(['create', 'marketing']));
    expect(far.hint).toBe('declared keys: `team-a` and `team-b`; add `marketing` under `keys:` first');
    const none = await thrownAsyncLlmlabError(() => keys(['create', 'team-a'], { declared: null }));
    expect(none.message).toBe('cannot create a secret for `team-a`: the gateway config declares no `keys:`');
  });

  it('refuses unknown actions, missing and extra arguments, and an unknown revoke target', async () => {
    expect(await thrownAsyncLlmlabError(() => keys(['craete', 'team-a']))).toMatchObject({ code: 'USAGE', hint: 'did you mean `create`?' });
    expect((await thrownAsyncLlmlabError(() => keys([]))).hint).toBe('one of `create`, `list` or `revoke`, e.g. `llmlab gateway keys create team-a`');
    expect((await thrownAsyncLlmlabError(() => keys(['create']))).message).toBe('llmlab gateway keys create needs a key id');
    expect((await thrownAsyncLlmlabError(() => keys(['list', 'x']))).message).toBe('llmlab gateway keys list takes no argument, got `x`');
    await keys(['create', 'team-a']);
    const unknown = await thrownAsyncLlmlabError(() => keys(['revoke', 'team-aa']));
    expect(unknown).toMatchObject({ code: 'USAGE', message: 'no live key or secret prefix `team-aa`', hint: 'did you mean `team-a`?' });
  });
});
