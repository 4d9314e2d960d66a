/**
 * `llmlab gateway keys create|list|revoke`: virtual-key secrets. A key's policy (budget, rpm, models) is the
 * config's `keys:` entry; this command only makes and revokes the secrets that authenticate as it. A secret is
 * printed once, at creation: the store keeps its sha256 only.
 */
import { didYouMean, listNames, suggestionHint } from '../config/did-you-mean.js';
import { LlmlabError } from '../errors.js';
import { newKeySecret } from '../gateway/key-secrets.js';
import { createGatewayStore } from '../store/gateway.js';
import type { GatewayStore, KeyRecord } from '../store/gateway-types.js';
import { createContext } from './context.js';
import type { CliIo } from './io.js';
import { textTable } from './text-table.js';

const ACTIONS = ['create', 'list', 'revoke'] as const;

/** Flags of `llmlab gateway keys`. */
export interface GatewayKeysFlags {
  db?: string;
  json?: boolean;
}

/**
 * Runs `llmlab gateway keys <action> [id]`. `declared` is the key ids of the gateway config's `keys:` (undefined
 * when it has none): a secret can only be made for a declared key.
 */
export async function gatewayKeysCommand(args: string[], flags: GatewayKeysFlags, declared: string[] | undefined, io: CliIo): Promise<number> {
  const [action, target, ...extra] = args;
  if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) {
    throw new LlmlabError('USAGE', action === undefined ? 'llmlab gateway keys needs an action' : `unknown action \`${action}\` of llmlab gateway keys`, {
      hint: action === undefined ? `one of ${listNames(ACTIONS)}, e.g. \`llmlab gateway keys create team-a\`` : suggestionHint(action, ACTIONS, 'actions'),
    });
  }
  if (action !== 'list' && target === undefined) {
    throw new LlmlabError('USAGE', `llmlab gateway keys ${action} needs a key id${action === 'revoke' ? ' or a secret prefix' : ''}`, {
      hint: `e.g. \`llmlab gateway keys ${action} ${declared?.[0] ?? 'team-a'}\`${action === 'revoke' ? ' (`llmlab gateway keys list` shows them)' : ''}`,
    });
  }
  if (extra.length > 0 || (action === 'list' && target !== undefined)) {
    throw new LlmlabError('USAGE', `llmlab gateway keys ${action} takes ${action === 'list' ? 'no argument' : 'one argument'}, got \`${args.slice(1).join(' ')}\``);
  }
  if (action === 'create') checkDeclared(target!, declared);
  const ctx = await createContext(flags, io);
  const gateway = createGatewayStore(ctx.store());
  try {
    if (action === 'create') return await create(gateway, target!, flags, io);
    if (action === 'list') return await list(gateway, declared, flags, io);
    return await revoke(gateway, target!, flags, io);
  } finally {
    await gateway.close();
  }
}

function checkDeclared(id: string, declared: string[] | undefined): void {
  if (declared === undefined || declared.length === 0) {
    throw new LlmlabError('USAGE', `cannot create a secret for \`${id}\`: the gateway config declares no \`keys:\``, {
      hint: `declare it first, e.g. \`keys: { ${id}: { budgetUsd: { day: 20 } } }\` in gateway.yaml`,
    });
  }
  if (!declared.includes(id)) {
    const guess = didYouMean(id, declared);
    throw new LlmlabError('USAGE', `no key \`${id}\` in the gateway config's \`keys:\``, {
      hint: guess ? `did you mean \`${guess}\`?` : `declared keys: ${listNames(declared, 'and')}; add \`${id}\` under \`keys:\` first`,
    });
  }
}

async function create(gateway: GatewayStore, id: string, flags: GatewayKeysFlags, io: CliIo): Promise<number> {
  const { secret, record } = newKeySecret(id);
  await gateway.keys.create(record);
  const live = (await gateway.keys.list()).filter((k) => k.id === id && k.revokedAt === undefined);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ id, prefix: record.prefix, secret, createdAt: new Date(record.createdAt).toISOString() }, null, 2)}\n`);
    return 0;
  }
  // The secret alone on stdout, so `… > team-a.key` captures just it; the notes go to stderr.
  io.stdout.write(`${secret}\n`);
  io.stderr.write(`created a secret for key ${id} (${record.prefix}…): store it now, it cannot be shown again (llmlab keeps only its hash)\n`);
  if (live.length > 1) {
    const older = live.filter((k) => k.hash !== record.hash).map((k) => k.prefix);
    io.stderr.write(`${id} now has ${live.length} live secrets; when clients use the new one: llmlab gateway keys revoke ${older[0]}\n`);
  }
  return 0;
}

async function list(gateway: GatewayStore, declared: string[] | undefined, flags: GatewayKeysFlags, io: CliIo): Promise<number> {
  const keys = await gateway.keys.list();
  if (flags.json) {
    const rows = keys.map(({ hash: _hash, ...k }) => ({
      ...k,
      createdAt: new Date(k.createdAt).toISOString(),
      ...(k.revokedAt === undefined ? {} : { revokedAt: new Date(k.revokedAt).toISOString() }),
      declared: declared?.includes(k.id) ?? false,
    }));
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (keys.length === 0) {
    io.stdout.write('no key secrets yet: make one with `llmlab gateway keys create <id>`\n');
    return 0;
  }
  const rows = keys.map((k) => [k.id, k.prefix, isoMinute(k.createdAt), k.revokedAt === undefined ? '-' : isoMinute(k.revokedAt), note(k, declared)]);
  io.stdout.write(`${textTable(['key', 'prefix', 'created', 'revoked', 'note'], rows, [0, 1, 2, 3, 4]).join('\n')}\n`);
  return 0;
}

/** A live secret whose key the config no longer declares authenticates nobody: say so. */
function note(key: KeyRecord, declared: string[] | undefined): string {
  return key.revokedAt === undefined && !(declared?.includes(key.id) ?? false) ? 'not in config' : '';
}

async function revoke(gateway: GatewayStore, target: string, flags: GatewayKeysFlags, io: CliIo): Promise<number> {
  const live = (await gateway.keys.list()).filter((k) => k.revokedAt === undefined);
  const matched = live.filter((k) => k.id === target || k.prefix === target);
  if (matched.length === 0) {
    const names = [...new Set(live.flatMap((k) => [k.id, k.prefix]))];
    const guess = didYouMean(target, names);
    throw new LlmlabError('USAGE', `no live key or secret prefix \`${target}\``, {
      hint: guess ? `did you mean \`${guess}\`?` : '`llmlab gateway keys list` shows the keys and their secrets\' prefixes',
    });
  }
  await gateway.keys.revoke(target, Date.now());
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ revoked: matched.map((k) => ({ id: k.id, prefix: k.prefix })) }, null, 2)}\n`);
    return 0;
  }
  const what = matched.length === 1 ? `secret ${matched[0]!.prefix}… of key ${matched[0]!.id}` : `${matched.length} secrets of key ${target}`;
  io.stdout.write(`revoked ${what}: requests with it now get 401\n`);
  return 0;
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
