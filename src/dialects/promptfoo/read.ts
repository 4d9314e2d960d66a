/** Reading the files a promptfoo config references: one place for "missing file" errors and source tracking. */
import { readFile } from 'node:fs/promises';
import { LlmlabError } from '../../errors.js';
import { Translator } from './context.js';
import type { Here } from './context.js';
import type { SourceDoc } from './types.js';

/** Text of a referenced file, or undefined with a FILE_NOT_FOUND problem at the reference. */
export async function readText(t: Translator, at: Here, file: string, what: string): Promise<string | undefined> {
  try {
    const text = await readFile(file, 'utf8');
    t.addSource(file);
    return text;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    t.fail(new LlmlabError('FILE_NOT_FOUND', missing ? `${what} not found: ${file}` : `cannot read ${what} ${file}: ${(error as Error).message}`, {
      where: t.at(at),
      hint: 'paths after `file://` are relative to the file that names them',
    }));
    return undefined;
  }
}

/** A referenced YAML or JSON file with positions, or undefined (the problem is recorded). */
export async function readDoc(t: Translator, at: Here, file: string): Promise<SourceDoc | undefined> {
  try {
    const doc = await t.deps.readDoc(file, t.at(at));
    t.addSource(doc.file);
    return doc;
  } catch (error) {
    t.fail(error);
    return undefined;
  }
}

/** Files a `file://` reference names: a glob expands (sorted), a plain path is itself. */
export async function expandRef(t: Translator, at: Here, ref: string): Promise<string[]> {
  if (!/[*?[{]/.test(ref)) return [t.resolvePath(at.doc, ref)];
  const files = await t.deps.glob(ref, t.resolvePath(at.doc, '.'));
  if (files.length === 0) t.problem(at, `no files match \`${ref}\``, 'the pattern is relative to the file that names it');
  return files;
}
