/**
 * Media in test vars: `image: file:img/cat.png` (an image or audio extension) and `data:image/…` / `data:audio/…`
 * URIs become {@link MediaRef}s, their bytes streamed into the project's media store (src/media/). A `file:` path
 * is relative to the file that holds the row: the suite, or the dataset file; a glob (`file:img/*.png`) is the list
 * of the media it matches. A `file:` var with another extension stays the string it is (a prompt may print it), as
 * before media existed.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { isMediaDataUri } from '../media/data-uri.js';
import { withMaxEdge } from '../media/downscale.js';
import { MEDIA_EXTENSIONS } from '../media/sniff.js';
import { openMediaStore } from '../media/store.js';
import type { MediaStore } from '../media/store.js';
import type { MediaRef } from '../types.js';
import { addSource } from './context.js';
import type { ResolveContext } from './context.js';
import { didYouMean } from './did-you-mean.js';
import { expandPattern } from './glob.js';
import type { TestEntry } from './load-test-files.js';
import type { Locate } from './problems.js';
import type { PathSegment } from './yaml-source.js';

/** Where a set of vars was written: its path under `locate`'s file, and the folder its `file:` paths start from. */
export interface VarsSite {
  path: PathSegment[];
  locate: Locate;
  baseDir: string;
}

/** True for a var value that names media: `file:` with an image or audio extension, or a media `data:` URI. */
export function isMediaVar(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (value.startsWith('file:')) return Object.hasOwn(MEDIA_EXTENSIONS, extname(value.slice('file:'.length).trim()).toLowerCase());
  return isMediaDataUri(value);
}

/** Resolves the media vars of a suite's tests; the store is opened on the first one, so text suites write nothing. */
export class MediaVars {
  private store?: MediaStore;

  constructor(private readonly context: ResolveContext) {}

  /** `vars` with each media value (or list of them) replaced by its ref; the same object when it holds none. */
  async resolve(vars: Record<string, unknown> | undefined, site: VarsSite): Promise<Record<string, unknown> | undefined> {
    if (vars === undefined || !Object.values(vars).some((v) => isMediaVar(v) || (Array.isArray(v) && v.some(isMediaVar)))) return vars;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(vars)) {
      const at = [...site.path, name];
      if (isMediaVar(value)) out[name] = await this.one(value, at, site);
      else if (Array.isArray(value) && value.some(isMediaVar)) {
        const items: unknown[] = [];
        for (const [i, item] of value.entries()) items.push(isMediaVar(item) ? await this.one(item, [...at, i], site) : item);
        out[name] = items;
      } else out[name] = value;
    }
    return out;
  }

  /** A test entry with its media vars resolved (relative to its dataset file, else to the suite). */
  async resolveEntry(entry: TestEntry): Promise<TestEntry> {
    const site = { path: [...entry.path, 'vars'], locate: entry.locate, baseDir: entry.baseDir ?? this.context.baseDir };
    const vars = await this.resolve(entry.test.vars, site);
    return vars === entry.test.vars ? entry : { ...entry, test: { ...entry.test, vars } };
  }

  /**
   * One value's ref, or the list of refs a glob (`file:img/*.png`) matches, in path order. On a user's mistake the
   * problem is recorded at the var and the string is kept.
   */
  private async one(value: string, path: PathSegment[], site: VarsSite): Promise<MediaRef | MediaRef[] | string> {
    const store = (this.store ??= openStore(this.context.mediaDir, this.context.mediaMaxEdge));
    const written = value.startsWith('file:') ? value.slice('file:'.length).trim() : undefined;
    try {
      if (written === undefined) return store.addDataUri(value, 'data:');
      const plain = resolve(site.baseDir, written);
      const files = await expandPattern(written, site.baseDir);
      if (files.length === 1 && files[0] === plain) {
        const ref = await store.addFile(plain, written);
        addSource(this.context, plain);
        return ref;
      }
      if (files.length === 0) {
        throw new LlmlabError('FILE_NOT_FOUND', `no files match \`${written}\` (looked in ${resolve(site.baseDir, dirname(written))})`);
      }
      const refs: MediaRef[] = [];
      for (const file of files) {
        refs.push(await store.addFile(file, relative(site.baseDir, file)));
        addSource(this.context, file);
      }
      return refs;
    } catch (error) {
      if (!(error instanceof LlmlabError)) throw error;
      const where = site.locate(path);
      const hint = error.code === 'FILE_NOT_FOUND' && written !== undefined ? await missingHint(written, site.baseDir) : error.hint;
      const code: ErrorCode = error.code === 'FILE_NOT_FOUND' || error.code === 'STORAGE_FAULT' ? error.code : 'CONFIG_INVALID';
      this.context.problems.add(new LlmlabError(code, error.message, { where, ...(hint ? { hint } : {}) }));
      return value;
    }
  }
}

/** "did you mean `file:img/cat.png`?" from the media files beside the missing one, else where paths start from. */
async function missingHint(written: string, baseDir: string): Promise<string> {
  const folder = dirname(written);
  const names = await readdir(resolve(baseDir, folder)).catch(() => [] as string[]);
  const media = names.filter((n) => Object.hasOwn(MEDIA_EXTENSIONS, extname(n).toLowerCase()));
  const guess = didYouMean(basename(written), media);
  if (guess !== undefined) return `did you mean \`file:${folder === '.' ? guess : `${folder}/${guess}`}\`?`;
  return `the path is relative to the file that holds the test (${baseDir})`;
}

/** The media store, downscaling images when the suite sets `media.maxEdge`. */
function openStore(dir: string, maxEdge: number | undefined): MediaStore {
  const store = openMediaStore(dir);
  return maxEdge === undefined ? store : withMaxEdge(store, maxEdge);
}
