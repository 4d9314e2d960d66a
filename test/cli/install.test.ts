/**
 * llmlab is not on the npm registry: the README's two ways to install it into a project must work as written.
 *
 * - From git: `npm install git+file://…` of a commit of the checkout's current files, in a fresh project (npm
 *   clones it, installs its devDependencies, runs `prepare`, packs it), then the first hour of a newcomer in one
 *   script: `llmlab --version`, `llmlab init`, `llmlab eval` offline, and a broken assertion whose reason is in the
 *   terminal.
 * - From a tarball: `npm pack` in a checkout (which builds through `prepare`), `npm install <tgz>` in that project
 *   with the git install's llmlab removed: the package.json `files` must hold everything the installed CLI reads.
 *
 * Both use the npm cache `npm ci` filled (--prefer-offline) and better-sqlite3's binary from this checkout (see
 * install-fixture.ts): nothing is compiled, but npm still unpacks ~130 packages twice for git (in its clone, then in the project).
 */
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshProject, INSTALL_FLAGS, localPrebuilds, npmEnv, run, snapshotRepo, type Ran } from './install-fixture.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

/**
 * In CI (CI set, as .ci/run has it) or when asked (LLMLAB_INSTALL_TESTS=1): the installs are ~60 s of npm's CPU,
 * a quarter of the whole suite's, for what changes only with package.json, `files` or the build. A local `npm test`
 * says it skipped them.
 */
const INSTALLS = Boolean(process.env['CI']) || process.env['LLMLAB_INSTALL_TESTS'] === '1';

// Measured on the shared 2-core machine (load 5–7): pack 6 s, tarball install 22 s, git install 59 s; with two busy
// processes more beside them 27, 44 and 76 s; the git test took 128 s at load 10. The limit only bounds a hang.
const INSTALL_TIMEOUT = 5 * 60_000;

let dir: string;
let checkout: string;
let bare: string;
let env: NodeJS.ProcessEnv;
/** The temp project both installs go into (made by the git+file:// test, which runs first). */
let project = '';

beforeAll(async () => {
  if (!INSTALLS) return;
  dir = mkdtempSync(join(scratchRoot(), 'llmlab-install-'));
  ({ checkout, bare } = await snapshotRepo(REPO, dir));
  // npm's own temp files (the git clone it prepares) go in the same scratch folder, and away with it.
  env = { ...npmEnv(await localPrebuilds(REPO, dir)), TMPDIR: dir };
});
// Two installed projects are ~35,000 files: removing them takes longer than the default hook limit on a busy machine.
afterAll(() => {
  if (!dir) return;
  // The link to this checkout's node_modules goes first, alone: nothing may ever delete through it.
  if (checkout) rmSync(join(checkout, 'node_modules'), { force: true });
  rmSync(dir, { recursive: true, force: true });
}, 2 * 60_000);

/**
 * Where the installs go: a memory-backed /dev/shm when there is one. Two installs write ~35,000 files; on tmpfs that
 * costs a third less CPU than on the disk (measured: 63 s against 77 s of CPU for this file), which the rest of the
 * suite, running beside it on two cores, gets back.
 */
function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** What a failed step printed, for the assertion message. */
const shown = (ran: Ran) => `exit ${ran.code}\n${ran.stdout}\n${ran.stderr}`.slice(-4000);

/** `npx llmlab …args` in `project`; `--no` so that a missing bin fails instead of fetching "llmlab" from the registry. */
const llmlab = (project: string, args: string[]) => run('npx', ['--no', '--', 'llmlab', ...args], project, env);

/** npm must have used the prebuilt binary: a compile leaves node-gyp's objects beside it (and takes minutes). */
function expectNotCompiled(modules: string): void {
  const objects = join(modules, 'better-sqlite3', 'build', 'Release', 'obj.target');
  expect(existsSync(join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
  expect(existsSync(objects), 'better-sqlite3 was compiled: the local prebuild was not used').toBe(false);
}

describe.skipIf(!INSTALLS)('installing llmlab without the package registry (CI, or LLMLAB_INSTALL_TESTS=1)', () => {
  it('is what the README says, with git URLs of package.json\'s repository', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { repository: { url: string } };
    const { pathname } = new URL(manifest.repository.url.replace(/^git\+/, ''));
    expect(readme).toContain(`npm install --save-dev ${manifest.repository.url} `);
    expect(readme).toContain(`github:${pathname.slice(1).replace(/\.git$/, '')}`);
    expect(readme).toContain(`npm install --save-dev ./llmlab-${version}.tgz`);
  });

  it(
    'from git+file:// in a fresh project: --version, init, eval offline, then a broken test and its reason in the terminal',
    async () => {
      project = freshProject(join(dir, 'project'));
      const installed = await run('npm', ['install', '--save-dev', `git+file://${bare}`, ...INSTALL_FLAGS], project, env);
      expect(installed.code, shown(installed)).toBe(0);
      expectNotCompiled(join(project, 'node_modules'));
      const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies: object };
      expect(manifest.devDependencies).toEqual({ llmlab: `git+file://${bare}` });

      const shownVersion = await llmlab(project, ['--version']);
      expect(shownVersion.stdout, shown(shownVersion)).toContain(`llmlab/${version}`);

      const initialised = await llmlab(project, ['init']);
      expect(initialised.code, shown(initialised)).toBe(0);
      expect(initialised.stderr).toMatch(/next: npx llmlab eval/);
      // The suite's schema line points into the installed package, where an editor finds it.
      const suite = readFileSync(join(project, 'suites/first.yaml'), 'utf8');
      const schema = /\$schema=(\S+)$/m.exec(suite)![1]!;
      expect(schema).toBe('../node_modules/llmlab/schemas/suite.schema.json');
      expect(existsSync(join(project, 'suites', schema))).toBe(true);

      const passed = await llmlab(project, ['eval']);
      expect(passed.code, shown(passed)).toBe(0);
      expect(passed.stdout).toMatch(/gate passed/);

      // The README's next step: an assertion that cannot hold. Its answers come from the cache; the reason is shown.
      writeFileSync(join(project, 'suites/first.yaml'), suite.replace('value: reset link', 'value: magic link'));
      const failed = await llmlab(project, ['eval']);
      expect(failed.code, shown(failed)).toBe(1);
      expect(failed.stdout).toMatch(/FAIL .*How do I reset my password\?/);
      expect(failed.stdout).toContain('icontains: "magic link" not found (ignoring case)');
      expect(failed.stdout).toMatch(/gate minPassRate: fail/i);
    },
    INSTALL_TIMEOUT,
  );
  it(
    'from a tarball: `npm pack` in a checkout, `npm install <tgz>` in a project; it runs a one-test suite',
    async () => {
      // The checkout's dependencies, as after `npm ci` there: `npm pack` runs `prepare`, the build.
      symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'), 'dir');
      const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], checkout, env);
      expect(packed.code, shown(packed)).toBe(0);
      const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
      const paths = files.map((f) => f.path);
      // What the installed CLI reads beside dist/ (see test/setup/cli-package.ts), and nothing of the sources.
      for (const path of ['dist/cli/bin.js', 'schemas/suite.schema.json', 'templates/init/first.yaml', 'providers/openai.yaml']) {
        expect(paths).toContain(path);
      }
      expect(paths.filter((p) => /^(src|test|node_modules|\.llmlab)\//.test(p))).toEqual([]);

      // Into the project the git install made: its dependencies are llmlab's, so npm swaps only llmlab itself (a
      // second fresh project would unpack ~130 packages again, a minute of CPU on a loaded 2-core machine). npm
      // removes the git install's files first, so a file missing from `files` still fails here.
      expect(project, 'the git+file:// test runs first and makes the project').toBeTruthy();
      rmSync(join(project, 'node_modules', 'llmlab'), { recursive: true, force: true });
      const installed = await run('npm', ['install', '--save-dev', join(dir, filename), ...INSTALL_FLAGS], project, env);
      expect(installed.code, shown(installed)).toBe(0);
      expectNotCompiled(join(project, 'node_modules'));

      const shownVersion = await llmlab(project, ['--version']);
      expect(shownVersion.stdout, shown(shownVersion)).toContain(`llmlab/${version}`);
      writeFileSync(
        join(project, 'one.yaml'),
        [
          'description: One test',
          'providers:',
          '  - { id: "mock:bot", config: { answers: [{ match: ping, output: pong }] } }',
          'prompts: ["Reply to {{ word }}"]',
          'tests:',
          '  - { vars: { word: ping }, assert: [{ type: equals, value: pong }] }',
          '',
        ].join('\n'),
      );
      const evaluated = await llmlab(project, ['eval', 'one.yaml']);
      expect(evaluated.code, shown(evaluated)).toBe(0);
      expect(evaluated.stdout).toMatch(/gate passed/);
      expect(evaluated.stdout).toMatch(/\b1 of 1 cells?\b/);
    },
    INSTALL_TIMEOUT,
  );

});
