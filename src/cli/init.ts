/**
 * `llmlab init [dir]`: a starting point for a project — llmlab.config.yaml, a first suite that runs offline (a
 * scripted mock provider, with a real provider's line commented beside it), .env.example, the CI workflow, and
 * .llmlab/ and .env in .gitignore. It asks nothing, so it works the same in a script as on a terminal; it never
 * overwrites a file without --force.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlmlabError } from '../errors.js';
import { lineWriter, type CliIo } from './io.js';

/** The package's folders, two levels above both src/cli and dist/cli (as in an installed package). */
const TEMPLATES = fileURLToPath(new URL('../../templates/init/', import.meta.url));
const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** What init writes: the file in the project, and the template it comes from. */
const FILES: ReadonlyArray<{ path: string; template: string }> = [
  { path: 'llmlab.config.yaml', template: 'llmlab.config.yaml' },
  { path: join('suites', 'first.yaml'), template: 'first.yaml' },
  { path: '.env.example', template: 'env.example' },
  { path: join('.github', 'workflows', 'llmlab.yml'), template: 'llmlab.yml' },
];

/** Lines .gitignore must hold: the database of cached calls and runs, and the keys. */
const IGNORED = ['.llmlab/', '.env'];

/** Flags of `llmlab init`. */
export interface InitFlags {
  /** Overwrite files init would write that already exist. */
  force?: boolean;
}

export async function init(dirArg: string | undefined, flags: InitFlags, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, dirArg ?? '.');
  const print = lineWriter(io.stderr);
  const existing = FILES.filter((f) => existsSync(join(root, f.path))).map((f) => f.path);
  if (existing.length > 0 && !flags.force) {
    throw new LlmlabError('USAGE', `init would overwrite ${existing.map(slash).join(', ')} in ${shown(root, io.cwd)}`, {
      hint: 'keep your files and pick another folder (`llmlab init my-project`), or pass --force to overwrite them',
    });
  }
  for (const file of FILES) {
    const target = join(root, file.path);
    const text = readFileSync(join(TEMPLATES, file.template), 'utf8').replaceAll('{{SCHEMAS}}', schemasFrom(dirname(target)));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    print(`wrote ${shown(target, io.cwd)}`);
  }
  const added = ignore(join(root, '.gitignore'));
  if (added.length > 0) print(`added ${added.join(', ')} to ${shown(join(root, '.gitignore'), io.cwd)}`);
  const cd = root === io.cwd ? '' : `cd ${shown(root, io.cwd)} && `;
  print(`next: ${cd}npx llmlab eval   (runs suites/first.yaml offline; no API key needed)`);
  print('then: npx llmlab view --open   (the runs in your browser: cells, compare, history, a prompt studio)');
  return 0;
}

/** The schemas folder as a relative path from `dir`, with forward slashes as YAML editors expect. */
function schemasFrom(dir: string): string {
  const path = relative(dir, SCHEMAS).split(sep).join('/');
  return path.startsWith('.') ? path.replace(/\/$/, '') : `./${path.replace(/\/$/, '')}`;
}

/** Appends the missing {@link IGNORED} lines to .gitignore (creating it); returns those it added. */
function ignore(path: string): string[] {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const present = new Set(text.split(/\r?\n/).map((line) => line.trim()));
  const missing = IGNORED.filter((line) => !present.has(line) && !present.has(line.replace(/\/$/, '')));
  if (missing.length === 0) return [];
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileSync(path, `${text}${separator}${missing.join('\n')}\n`);
  return missing;
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : slash(rel);
}

function slash(path: string): string {
  return path.split(sep).join('/');
}
