/**
 * The README's first command is `npm ci && npx llmlab eval …`: npm runs the package's own bin by executing
 * dist/cli/bin.js directly, so the build must leave it executable (tsc writes 0644). A fresh clone once failed
 * with "llmlab: Permission denied" while every other test passed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const built = existsSync(BIN);

describe.skipIf(!built && !process.env['CI'])('the built bin (what npx llmlab runs)', () => {
  it('is executable and runs through its shebang', () => {
    // In CI, `npm ci` has run `prepare` (the build): a missing bin is a failure there, not a skip.
    expect(built, 'dist/cli/bin.js missing: `npm ci` runs the build').toBe(true);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
    expect(execFileSync(BIN, ['--version'], { encoding: 'utf8' })).toContain(version);
  });
});
