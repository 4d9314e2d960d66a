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
  const { main } = await import('./main.js');
  process.exitCode = await main(args);
}
