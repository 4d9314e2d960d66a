/**
 * A YAML file parsed with positions kept, so any later problem (schema, resolution) can point at the exact
 * node: `file:line:col`.
 */
import { readFile } from 'node:fs/promises';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Alias, Document, Node, Pair, YAMLError } from 'yaml';
import { LlmlabError, LlmlabErrors } from '../errors.js';
import { toBoundedJS } from '../yaml-aliases.js';
import type { ErrorCode, SourceLocation } from '../errors.js';

/** A key or index on the way from the document root to a value. */
export type PathSegment = string | number;

/** A parsed YAML file and a way to turn a data path into a position in it. */
export interface YamlSource {
  file: string;
  value: unknown;
  /**
   * Position of the value at `path` (or of its key when `key` is set); the nearest existing ancestor when the
   * path does not exist in the document (a missing key, a value produced by a `<<` merge).
   */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SourceLocation;
  /** The first line of the value's content (a block scalar's text starts on the line after `|`). */
  contentLine(path: readonly PathSegment[]): number;
}

const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  DUPLICATE_KEY: 'a key may appear only once in a mapping: remove or rename one of them',
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation: use spaces',
  BAD_INDENT: 'check the indentation: items of one list or mapping must line up',
  MULTIPLE_DOCS: 'a file holds one YAML document: remove the `---` separator',
  BLOCK_AS_IMPLICIT_KEY: 'a key must fit on one line; check for a missing `:` or a stray indent on the line before',
  MISSING_CHAR: 'a quote or bracket is not closed',
};

/** Reads and parses a YAML file; FILE_NOT_FOUND when it is missing, `code` (CONFIG_YAML) on a syntax error. */
export async function readYamlFile(
  file: string,
  options: { code?: ErrorCode; what?: string; referencedAt?: SourceLocation } = {},
): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(error, file, options.what ?? 'file', options.referencedAt);
  }
  return parseYaml(file, text, options.code);
}

/** Parses YAML text; every syntax error is reported (with its position), not just the first. */
export function parseYaml(file: string, text: string, code: ErrorCode = 'CONFIG_YAML'): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const message = `YAML syntax error: ${error.message.replace(/\s+/g, ' ').trim()}`;
      return new LlmlabError(code, message, {
        where: { file, line, col },
        hint: YAML_HINTS[error.code] ?? 'fix the YAML syntax at this position',
      });
    });
    throw errors.length === 1 ? errors[0] : new LlmlabErrors(errors);
  }
  const { value, aliases } = toBoundedJS(doc, lineCounter, file, code);
  const at = (offset: number): SourceLocation => ({ file, ...lineCounter.linePos(offset) });
  return {
    file,
    value: value === undefined ? null : value,
    locate(path, options = {}) {
      const found = findNode(doc, aliases, path);
      const node = options.key && found.pair && found.complete ? found.pair.key : found.node;
      const range = (node as Node | null | undefined)?.range;
      return range ? at(range[0]) : { file, line: 1, col: 1 };
    },
    contentLine(path) {
      const found = findNode(doc, aliases, path);
      const node = found.node as Node | null | undefined;
      if (!node?.range) return 1;
      const { line } = lineCounter.linePos(node.range[0]);
      const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
      return block ? line + 1 : line;
    },
  };
}

/** FILE_NOT_FOUND for a missing file, with the resolved path; other read failures keep their cause. */
export function fileError(error: unknown, file: string, what: string, referencedAt?: SourceLocation): LlmlabError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = referencedAt ?? { file };
  if (code === 'ENOENT') {
    return new LlmlabError('FILE_NOT_FOUND', `${what} not found: ${file}`, {
      where,
      hint: referencedAt ? 'paths are relative to the file that names them' : 'check the path',
    });
  }
  if (code === 'EISDIR') {
    return new LlmlabError('FILE_NOT_FOUND', `${what} is a directory, not a file: ${file}`, { where, hint: 'name a file' });
  }
  return new LlmlabError('FILE_NOT_FOUND', `cannot read ${what} ${file}: ${(error as Error).message}`, {
    where,
    hint: 'check the file permissions',
    cause: error,
  });
}

interface Found {
  node: unknown;
  /** The map entry holding the last node found, for pointing at a key. */
  pair?: Pair;
  /** Whether the whole path was found (else `node` is the nearest ancestor). */
  complete: boolean;
}

// `aliases` maps each alias to its anchored node: `Alias.resolve` rescans the whole document on every call.
function findNode(doc: Document, aliases: ReadonlyMap<Alias, Node>, path: readonly PathSegment[]): Found {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = aliases.get(node) ?? node.resolve(doc);
    let next: unknown;
    let nextPair: Pair | undefined;
    if (isSeq(node)) {
      next = node.items[Number(segment)];
    } else if (isMap(node)) {
      nextPair = node.items.find(
        (item) => isPair(item) && String(isScalar(item.key) ? item.key.value : item.key) === String(segment),
      );
      next = nextPair?.value ?? (nextPair ? nextPair.key : undefined);
    }
    if (next === undefined || next === null) {
      // `key:` with no value has a null value node: point at the key instead.
      if (nextPair) return { node: nextPair.key, pair: nextPair, complete: true };
      return { node, pair, complete: false };
    }
    node = next;
    pair = nextPair;
  }
  return { node, pair, complete: true };
}
