/**
 * What `--watch` follows and how: every file a suite depends on (the suite, prompt files, datasets, `file:`
 * providers and javascript-metric modules, llmlab.config.yaml and the user metrics it registers), watched with
 * chokidar; a burst of saves becomes one change after a quiet `debounceMs`. A change is a change of content:
 * `touch`, or a save that writes the same bytes, changes nothing and re-runs nothing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { ProjectConfig, ResolvedSuite } from '../config/types.js';

/** Quiet time after the last event of a burst before a change fires. */
export const WATCH_DEBOUNCE_MS = 40;

/** When the files of a burst are looked at once more, after it fired (see `fire`). */
const RECHECK_MS = 100;

/** The javascript metric's `file:path[:exportName]` reference. */
const FILE_REF = /^file:(.*?)(?::[A-Za-z_$][\w$]*)?$/;

/** Absolute paths of every file whose edit can change the suite's plan or verdicts. */
export function watchedFiles(suite: ResolvedSuite, project: ProjectConfig): string[] {
  const files = new Set<string>([suite.path, ...suite.sources]);
  if (project.file) files.add(project.file);
  for (const module of Object.values(project.metrics ?? {})) files.add(module);
  // Modules loaded when the run starts, not when the suite resolves, so they are not in `sources`.
  for (const provider of suite.providers) {
    if (provider.type === 'file' && provider.model.trim()) files.add(resolve(suite.baseDir, provider.model.trim()));
  }
  for (const test of suite.tests) {
    for (const assertion of test.assert) {
      const ref = assertion.type === 'javascript' && typeof assertion.value === 'string' ? FILE_REF.exec(assertion.value) : null;
      if (ref?.[1]) files.add(resolve(suite.baseDir, ref[1]));
    }
  }
  return [...files];
}

export interface FileWatcher {
  /** Watches exactly `files` from now on; resolves once they are being watched. */
  watch(files: string[]): Promise<void>;
  readonly files: readonly string[];
  close(): Promise<void>;
}

/** Called once per burst of changes with the files whose content changed and when the first event was seen. */
export type OnFilesChanged = (files: string[], firstSeenAt: number) => void;

export function createFileWatcher(onChange: OnFilesChanged, options: { debounceMs?: number } = {}): FileWatcher {
  // An editor's save is a burst of events a few ms apart (write, rename, chmod); 40 ms covers it and keeps the
  // save-to-screen latency low.
  const debounceMs = options.debounceMs ?? WATCH_DEBOUNCE_MS;
  let watcher: FSWatcher | undefined;
  let current: string[] = [];
  const pending = new Set<string>();
  // The content each watched file had when last seen: mtimes move on `touch`, a checkout or a formatter that
  // rewrites a file unchanged, and none of those should spend a model call.
  const hashes = new Map<string, string>();
  let firstSeenAt = 0;
  let timer: NodeJS.Timeout | undefined;
  // Bursts are hashed one after another, so a later burst compares with what an earlier one recorded.
  let hashing = Promise.resolve();
  let closed = false;

  /** Hashes `files` after any burst before them, and reports the ones whose content differs from last time. */
  const check = (files: string[], seenAt: number, then?: () => void) => {
    hashing = hashing.then(async () => {
      const changed: string[] = [];
      for (const file of files) {
        const hash = await contentHash(file);
        if (hashes.get(file) !== hash) changed.push(file);
        hashes.set(file, hash);
      }
      if (closed) return;
      if (changed.length > 0) onChange(changed, seenAt);
      then?.();
    });
  };
  const fire = () => {
    timer = undefined;
    const files = [...pending];
    pending.clear();
    // chokidar drops a file's events for a few ms after one it handled (its watch throttle), so a save landing in
    // that window goes unreported; one more look at the burst's files shortly after catches it.
    const again = () => {
      const watched = new Set(current.map((file) => resolve(file)));
      check(files.filter((file) => watched.has(file)), performance.now());
    };
    check(files, firstSeenAt, () => setTimeout(() => !closed && again(), RECHECK_MS).unref());
  };
  const seen = (path: string) => {
    if (pending.size === 0) firstSeenAt = performance.now();
    pending.add(resolve(path));
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };
  const remember = async (files: string[]) => {
    for (const file of files) if (!hashes.has(file)) hashes.set(file, await contentHash(file));
  };

  return {
    get files() {
      return current;
    },
    async watch(files) {
      // Before the watcher attaches, so the first event of a file compares with the content the run read.
      await remember(files.map((f) => resolve(f)));
      if (!watcher) {
        const { watch } = await import('chokidar');
        watcher = watch(files, { ignoreInitial: true });
        watcher.on('all', (event, path) => {
          if (event === 'change' || event === 'add' || event === 'unlink') seen(path);
        });
        await new Promise<void>((ready) => watcher!.once('ready', ready));
        current = [...files];
        return;
      }
      const next = new Set(files);
      const gone = current.filter((f) => !next.has(f));
      const added = files.filter((f) => !current.includes(f));
      if (gone.length > 0) watcher.unwatch(gone);
      if (added.length > 0) watcher.add(added);
      for (const file of gone) hashes.delete(resolve(file));
      current = [...files];
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await watcher?.close();
    },
  };
}

/** sha256 of a file's bytes; a file that cannot be read (deleted mid-save) hashes as its error code. */
async function contentHash(file: string): Promise<string> {
  try {
    return createHash('sha256').update(await readFile(file)).digest('hex');
  } catch (error) {
    return `unreadable:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}
