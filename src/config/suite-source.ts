/**
 * The suite file as the rest of loading sees it: an llmlab suite as written, or a promptfoo config translated
 * into one (src/dialects/promptfoo). A translated suite gets a YamlSource whose `locate` maps each translated
 * path back to the promptfoo line it came from, so schema and resolution errors still point at the user's file.
 */
import { LlmlabError } from '../errors.js';
import type { SourceLocation } from '../errors.js';
import { loadDataset } from '../datasets/index.js';
import { detectPromptfoo } from '../dialects/promptfoo/detect.js';
import type { DialectDeps, Translation } from '../dialects/promptfoo/index.js';
import { expandPattern } from './glob.js';
import { rewriteFileUrls } from './file-urls.js';
import type { ProblemList } from './problems.js';
import { fileError, readYamlFile } from './yaml-source.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

/** A suite file read for loading; `translation` is set when it was a promptfoo config. */
export interface SuiteSource {
  source: YamlSource;
  translation?: Translation;
  /** Why the file was read as promptfoo (its name, a key), for the notice. */
  dialectReason?: string;
}

const deps: DialectDeps = {
  readDoc: (file, referencedAt) => readYamlFile(file, { what: 'file', referencedAt }),
  async readRows(file, isAssertionType) {
    try {
      return await loadDataset(file, { isAssertionType });
    } catch (error) {
      if (error instanceof LlmlabError) throw error;
      throw fileError(error, file, 'test file');
    }
  },
  glob: expandPattern,
};

/** How to read a suite file: `promptfoo` translates it whatever it looks like (`llmlab import promptfoo`). */
export interface ReadSuiteOptions {
  dialect?: 'promptfoo';
}

/** Reads the suite at `file` (absolute), translating a promptfoo config; native `file://` references are checked. */
export async function readSuiteSource(file: string, problems: ProblemList, options: ReadSuiteOptions = {}): Promise<SuiteSource> {
  const source = await readYamlFile(file, { what: options.dialect ? 'promptfoo config' : 'suite' });
  const reason = options.dialect ? 'as asked' : detectPromptfoo(file, source.value);
  if (reason === undefined) {
    rewriteFileUrls(source, problems);
    return { source };
  }
  // Loaded only for a promptfoo config: an llmlab suite's load does not pay for the translator.
  const { translatePromptfoo } = await import('../dialects/promptfoo/translate.js');
  const translation = await translatePromptfoo(source, deps);
  return { source: mappedSource(source, translation), translation, dialectReason: reason };
}

/** A YamlSource over the translated suite whose positions are those of the promptfoo files. */
export function mappedSource(original: YamlSource, translation: Translation): YamlSource {
  const byKey = new Map([...translation.origins].map(([key, origin]) => [JSON.stringify((JSON.parse(key) as PathSegment[]).map(String)), origin]));
  const find = (path: readonly PathSegment[]) => {
    for (let n = path.length; n >= 0; n--) {
      const origin = byKey.get(JSON.stringify(path.slice(0, n).map(String)));
      if (origin) return { origin, rest: path.slice(n) };
    }
    return undefined;
  };
  return {
    file: original.file,
    value: translation.suite,
    locate(path, options) {
      const found = find(path);
      if (!found) return original.locate([], options);
      // The rest of the path may not exist in the source: locate falls back to its nearest ancestor.
      return found.origin.doc.locate([...found.origin.path, ...found.rest], options);
    },
    contentLine(path) {
      const found = find(path);
      if (!found) return 1;
      if (found.origin.doc.file !== original.file) return original.locate([]).line ?? 1;
      return found.origin.doc.contentLine([...found.origin.path, ...found.rest]);
    },
  };
}

/** `file:line: text` lines a translated suite announces: the dialect, notices, and keys not translated. */
export function translationNotices(suite: SuiteSource): Array<{ where: SourceLocation; text: string }> {
  const { translation } = suite;
  if (!translation) return [];
  const byLine = [
    ...translation.notices,
    ...translation.untranslated.map((u) => ({ where: u.where, text: `\`${u.key}\` not translated: ${u.reason}` })),
  ].sort((a, b) => Number(a.where.file !== suite.source.file) - Number(b.where.file !== suite.source.file) || (a.where.line ?? 0) - (b.where.line ?? 0));
  return [{ where: { file: suite.source.file }, text: `read as a promptfoo config (${suite.dialectReason ?? 'detected'}) and translated` }, ...byLine];
}
