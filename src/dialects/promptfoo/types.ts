/**
 * What the promptfoo dialect works on and hands back. The dialect sits below config/ (DESIGN.md §3), so it gets
 * the few config services it needs (reading a YAML file with positions, reading dataset rows) injected through
 * {@link DialectDeps} instead of importing them.
 */
import type { SourceLocation } from '../../errors.js';
import type { SuiteFile } from '../../schema-types/suite-file.js';

/** A key or index on the way from a document's root to a value. */
export type PathSegment = string | number;

/** A parsed file with positions: structurally the config layer's YamlSource. */
export interface SourceDoc {
  file: string;
  value: unknown;
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SourceLocation;
  contentLine(path: readonly PathSegment[]): number;
}

/** One test read from a dataset file (CSV, JSONL, JSON, YAML), as the config layer's dataset loaders give it. */
export interface DialectRow {
  test: Record<string, unknown>;
  where: SourceLocation;
  locate?: (path: ReadonlyArray<string | number>) => SourceLocation;
}

/** Services the config layer lends the translator. */
export interface DialectDeps {
  /** Parses a YAML or JSON file keeping positions; a read failure is an LlmlabError pointing at `referencedAt`. */
  readDoc(file: string, referencedAt: SourceLocation): Promise<SourceDoc>;
  /**
   * Reads a dataset file into rows. `isAssertionType` says which `__expected` prefixes are assertions (so
   * promptfoo's `grade:` and `fn:` are read as such, not as literal text).
   */
  readRows(file: string, isAssertionType: (type: string) => boolean): Promise<DialectRow[]>;
  /** Files matching a glob relative to `baseDir`, absolute, sorted. */
  glob(pattern: string, baseDir: string): Promise<string[]>;
}

/** Where a node of the translated suite came from: a path in one of the files read. */
export interface Origin {
  doc: SourceDoc;
  path: PathSegment[];
}

/** A promptfoo key or value the dialect did not carry over, with why; `llmlab import` lists these. */
export interface Untranslated {
  where: SourceLocation;
  /** The promptfoo key as written, e.g. `redteam` or `tests[2].options.prefix`. */
  key: string;
  reason: string;
}

/** Run settings promptfoo keeps in the config file and llmlab takes on the command line. */
export interface RunSettings {
  /** `evaluateOptions.maxConcurrency`: the `-j` default. */
  concurrency?: number;
  /** `evaluateOptions.cache: false`: run as with `--no-cache`. */
  noCache?: boolean;
  /** `outputPath`: report files to write, absolute. */
  outputs?: string[];
}

/** The result of translating one promptfoo config. */
export interface Translation {
  suite: SuiteFile;
  /** Origin of each translated path (by `JSON.stringify(path)`); a path not listed inherits its nearest ancestor's. */
  origins: Map<string, Origin>;
  /** One-line notices (`file:line: text`) the CLI prints once: defaults set explicitly, keys ignored, renames. */
  notices: Array<{ where: SourceLocation; text: string }>;
  untranslated: Untranslated[];
  /** Translated paths whose value is a `file:` reference relative to the config's folder (`llmlab import` rebases them). */
  fileRefs: PathSegment[][];
  /** Every file read besides the config itself, for watch mode. */
  sources: string[];
  settings: RunSettings;
}
