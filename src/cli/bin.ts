#!/usr/bin/env node
/**
 * Entry point. `--version` answers from package.json without loading anything else; every command loads the
 * engine lazily, so help and version stay instant however heavy the SDKs get.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`llmlab/${pkg.version}\n`);
} else {
  // The AWS SDK warns on every run under Node 20 that its releases after January 2027 will need Node 22. llmlab
  // pins a release that supports Node 20 (package.json), so the warning says nothing a user can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { main } = await import('./main.js');
  process.exitCode = await main(args);
  // The command is over and has removed its own handlers; a signal while the process winds down (stores closing,
  // output flushing) ends it with the command's exit code at once instead of killing it mid-exit.
  const exitNow = () => process.exit();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, exitNow);
}
