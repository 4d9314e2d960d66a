/**
 * What the hostile completions of ./sandbox-attacks.ts aim at, and how a test sees what they left behind.
 * Imports nothing from vitest, so the script that plays llmlab as another user can load it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the attacks aim at, made by the test. */
export interface AttackContext {
  /** A loopback TCP listener of the test process. */
  port: number;
  /** An API-key-like canary in the environment of the process that runs the sandbox. */
  secret: string;
  /** The process that calls the sandbox ("llmlab"), and vitest's own process. */
  llmlabPid: number;
  testPid: number;
  /** A world-writable host directory holding the secret in `.env`, `secret.txt` and `home/.ssh/id_rsa`. */
  hostDir: string;
  /** The home directory of the user running the sandbox (with a `.ssh/id_rsa` holding the secret when made here). */
  homeDir: string;
  /** This repository. */
  projectDir: string;
  /** Unique per test run: processes whose argv carries it were started by an attack. */
  marker: string;
}

/**
 * A loopback listener (and its connection count), a canary secret, and a world-writable host dir holding it in
 * `.env`, `secret.txt` and `home/.ssh/id_rsa`: open to everyone, so only the sandbox (not file modes) stands
 * between a uid-65534 program and them. `homeDir` defaults to that fake home.
 */
export async function attackContext(options: { homeDir?: string } = {}): Promise<{ ctx: AttackContext; server: Server; count: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.on('error', () => undefined);
    socket.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const secret = `sk-canary-${randomBytes(12).toString('hex')}`;
  const hostDir = mkdtempSync(join(tmpdir(), 'llmlab-sandbox-host-'));
  chmodSync(hostDir, 0o777);
  mkdirSync(join(hostDir, 'home/.ssh'), { recursive: true, mode: 0o755 });
  for (const file of ['.env', 'secret.txt', 'home/.ssh/id_rsa']) writeFileSync(join(hostDir, file), `OPENAI_API_KEY=${secret}\n`, { mode: 0o644 });
  const ctx: AttackContext = {
    port: (server.address() as AddressInfo).port,
    secret,
    llmlabPid: process.pid,
    testPid: process.pid,
    hostDir,
    homeDir: options.homeDir ?? join(hostDir, 'home'),
    projectDir: fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, ''),
    marker: `llmlab-marker-${randomBytes(6).toString('hex')}`,
  };
  return { ctx, server, count: () => count };
}

/** Command lines of live processes whose argv contains `marker` (what `pgrep -f` does), this process excepted. */
export function processesWith(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}
