/**
 * Builds the CLI the way it ships: `tsc -p tsconfig.build.json` into `dist/` of a throwaway package directory that
 * holds what package.json `files` publishes (schemas/, templates/, providers/) beside package.json, with the
 * project's node_modules linked in. The CLI finds those folders through `new URL('../../…', import.meta.url)`,
 * so the built bin sees exactly the layout an installed package has: a folder missing from `files` fails here.
 *
 * Not the repository's own dist/: that is what `npm ci` (prepare) builds and test/cli/installed-bin.test.ts
 * checks, and other runs (another vitest, `npm run build`, a user's `npx llmlab`) may be reading or writing it.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A built package: its root (remove it when done) and the bin to run with `node`. */
export interface CliPackage {
  root: string;
  bin: string;
}

/** Creates a fresh package directory for `repo` and builds the CLI into it; throws with the compiler output. */
export async function buildCliPackage(repo: string): Promise<CliPackage> {
  const root = mkdtempSync(join(tmpdir(), 'llmlab-cli-'));
  try {
    // Readable by every user: some tests run the CLI as an ordinary user (uid 65534) when the suite runs as root.
    chmodSync(root, 0o755);
    // Where npm would put the dependencies: a node_modules above dist/ (Node walks up from the importing file).
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
    const pkg = { root, bin: join(root, 'dist', 'cli', 'bin.js') };
    await rebuild(repo, pkg);
    return pkg;
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** Copies the published files of `repo` into `pkg` again and recompiles src/ from scratch (nothing stale lingers). */
export async function rebuild(repo: string, pkg: CliPackage): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { files?: string[] };
  cpSync(join(repo, 'package.json'), join(pkg.root, 'package.json'));
  for (const entry of manifest.files ?? []) {
    rmSync(join(pkg.root, entry), { recursive: true, force: true });
    if (entry !== 'dist') cpSync(join(repo, entry), join(pkg.root, entry), { recursive: true });
  }
  const outDir = join(pkg.root, 'dist');
  rmSync(outDir, { recursive: true, force: true });
  const tsc = typescriptCompiler(repo);
  const args = [tsc, '-p', join(repo, 'tsconfig.build.json'), '--outDir', outDir, '--pretty', 'false'];
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, args, { cwd: repo, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`building the CLI failed (tsc -p tsconfig.build.json):\n${stdout}${stderr}`));
      else resolve();
    });
  });
  // As the build script does: npm runs a package's bin through its shebang.
  chmodSync(pkg.bin, 0o755);
}

/** The `tsc` of the `typescript` package itself: node_modules/.bin/tsc may be another package's (typescript-6). */
function typescriptCompiler(repo: string): string {
  const manifest = createRequire(join(repo, 'package.json')).resolve('typescript/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { tsc: string } };
  return join(dirname(manifest), bin.tsc);
}
