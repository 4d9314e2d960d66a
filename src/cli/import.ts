/**
 * `llmlab import promptfoo <config> [-o suite.yaml]`: writes the llmlab suite a promptfoo config translates to
 * (the one `llmlab eval <config>` runs in memory), then lists what was not translated, each at its promptfoo line.
 * The suite is loaded in full before anything is written, so an import that exits 0 wrote a suite that loads.
 * Exit 0 even with an untranslated list (it is printed on stderr); 2 when the config cannot be translated.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, parseDocument, Document } from 'yaml';
import { loadProjectConfig } from '../config/project-config.js';
import { loadSuite } from '../config/load-suite.js';
import { readSuiteSource } from '../config/suite-source.js';
import { ProblemList } from '../config/problems.js';
import type { Translation } from '../dialects/promptfoo/index.js';
import { formatLocation, LlmlabError } from '../errors.js';
import type { CliIo } from './io.js';

const SCHEMA = fileURLToPath(new URL('../../schemas/suite.schema.json', import.meta.url));

interface ImportFlags {
  output?: string;
  force?: boolean;
}

export async function importCommand(dialect: string, configArg: string | undefined, flags: ImportFlags, io: CliIo): Promise<number> {
  if (dialect !== 'promptfoo') {
    throw new LlmlabError('USAGE', `cannot import \`${dialect}\` configs`, { hint: 'llmlab imports promptfoo configs: `llmlab import promptfoo promptfooconfig.yaml`' });
  }
  if (configArg === undefined) {
    throw new LlmlabError('USAGE', 'name the promptfoo config to import', { hint: 'e.g. `llmlab import promptfoo promptfooconfig.yaml -o suite.yaml`' });
  }
  const config = resolve(io.cwd, configArg);
  const out = flags.output === undefined ? undefined : resolve(io.cwd, flags.output);
  if (out !== undefined && existsSync(out) && !flags.force) {
    throw new LlmlabError('USAGE', `${flags.output} exists`, { hint: 'pick another path, or pass --force to overwrite it' });
  }
  const project = await loadProjectConfig({ cwd: io.cwd, env: io.env });
  // The whole load (providers, metrics, files): an import that succeeds wrote a suite that runs.
  await loadSuite(config, project, { dialect: 'promptfoo' });
  const { translation } = await readSuiteSource(config, new ProblemList(), { dialect: 'promptfoo' });
  if (!translation) throw new LlmlabError('INTERNAL', 'the promptfoo config was not translated');
  const text = await suiteYaml(config, translation, out === undefined ? io.cwd : dirname(out));
  if (out === undefined) io.stdout.write(text);
  else {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text);
  }
  for (const notice of translation.notices) io.stderr.write(`note: ${formatLocation(notice.where, io.cwd)}: ${notice.text}\n`);
  for (const item of translation.untranslated) io.stderr.write(`${formatLocation(item.where, io.cwd)}: ${item.key} — ${item.reason}\n`);
  const done = translation.untranslated.length === 0
    ? 'everything translated'
    : `${translation.untranslated.length} key${translation.untranslated.length === 1 ? '' : 's'} not translated (listed above)`;
  io.stderr.write(`${out === undefined ? 'suite written to stdout' : `wrote ${relative(io.cwd, out)}`}: ${done}\n`);
  return 0;
}

/**
 * The suite as YAML: `$schema` first, the config's own comments on the keys they belonged to (where a key kept its
 * name), `file:` references rebased on the output's folder, and the run options as a command line.
 */
async function suiteYaml(config: string, translation: Translation, outDir: string): Promise<string> {
  const suite = structuredClone(translation.suite) as Record<string, unknown>;
  rebase(suite, translation.fileRefs, dirname(config), outDir);
  const doc = new Document({ $schema: slash(relative(outDir, SCHEMA)), ...suite }, { aliasDuplicateObjects: false });
  const original = parseDocument(await readFile(config, 'utf8'));
  const header = [`Translated from ${slash(relative(outDir, config))} by \`llmlab import promptfoo\`.`];
  const command = runCommand(translation, outDir);
  if (command) header.push(`Run options from the promptfoo config: ${command}`);
  const kept = withoutSchemaLine(original.commentBefore);
  doc.commentBefore = [...header.map((line) => ` ${line}`), ...(kept ? ['', kept] : [])].join('\n');
  keepComments(original, doc);
  return doc.toString({ lineWidth: 120 });
}

/** Comments on the config's top-level keys, carried to the same keys of the suite (`targets` → `providers`). */
function keepComments(original: Document, doc: Document): void {
  if (!isMap(original.contents) || !isMap(doc.contents)) return;
  for (const pair of original.contents.items) {
    if (!isScalar(pair.key)) continue;
    const name = pair.key.value === 'targets' ? 'providers' : String(pair.key.value);
    const target = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === name);
    if (!target || !isScalar(target.key)) continue;
    const before = withoutSchemaLine(pair.key.commentBefore);
    if (before) target.key.commentBefore = before;
    if (pair.key.comment) target.key.comment = pair.key.comment;
  }
}

/** A comment without promptfoo's editor schema line, which would point an editor at the wrong schema. */
function withoutSchemaLine(comment: string | null | undefined): string | undefined {
  const lines = (comment ?? '').split('\n').filter((line) => !line.includes('yaml-language-server'));
  return lines.join('\n').trim() === '' ? undefined : lines.join('\n');
}

/** `file:` paths of the translated suite are relative to the config's folder; the output may live elsewhere. */
function rebase(suite: Record<string, unknown>, refs: Translation['fileRefs'], from: string, to: string): void {
  if (from === to) return;
  for (const path of refs) {
    let parent: unknown = suite;
    for (const segment of path.slice(0, -1)) parent = (parent as Record<string, unknown> | undefined)?.[segment];
    const key = path[path.length - 1]!;
    if (typeof parent !== 'object' || parent === null) continue;
    const holder = parent as Record<string, unknown>;
    const value = holder[key];
    if (typeof value !== 'string') continue;
    const prefix = value.startsWith('file:') ? 'file:' : '';
    const ref = value.slice(prefix.length);
    holder[key] = `${prefix}${isAbsolute(ref) ? ref : slash(relative(to, resolve(from, ref)))}`;
  }
}

/** `llmlab eval suite.yaml -j 4 --no-cache -o results.json` for what the config set, or undefined. */
function runCommand(translation: Translation, outDir: string): string | undefined {
  const { concurrency, noCache, outputs } = translation.settings;
  const flags = [
    ...(concurrency === undefined ? [] : [`-j ${concurrency}`]),
    ...(noCache ? ['--no-cache'] : []),
    ...(outputs ?? []).map((o) => `-o ${slash(relative(outDir, o))}`),
  ];
  return flags.length === 0 ? undefined : `llmlab eval <suite> ${flags.join(' ')}`;
}

function slash(path: string): string {
  return path.split(sep).join('/');
}
