/**
 * Setup file of the `unit` project: a unit test that starts a process or opens a socket (a server, or a
 * connection, even through an SDK) fails at once, naming the e2e project. The static check in
 * test/setup/projects.test.ts sees only a test's own imports; this catches what the code under test does.
 */
import childProcess, { ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const HINT = 'unit tests start no process and open no socket: list this file in E2E in test/setup/projects.ts';

function forbidden(what: string): never {
  throw new Error(`${what} in the unit project. ${HINT}`);
}

// spawn, exec, execFile and fork all start through ChildProcess#spawn (untyped: internal); *Sync ones do not.
Object.assign(ChildProcess.prototype, { spawn: () => forbidden('starting a child process') });
for (const name of ['spawnSync', 'execSync', 'execFileSync'] as const) {
  Object.assign(childProcess, { [name]: () => forbidden(`child_process.${name}`) });
}
// Every server (http, https, net) listens through net.Server, every client (fetch, http, SDKs) connects
// through net.Socket.
net.Server.prototype.listen = () => forbidden('listening on a socket');
net.Socket.prototype.connect = () => forbidden('opening a network connection');
// ESM named imports of builtins (`import { spawnSync } from 'node:child_process'`) see the patched functions.
syncBuiltinESMExports();
