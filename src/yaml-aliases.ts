/**
 * YAML aliases, bounded. An alias (`*a`) repeats its anchor (`&a`), and aliases of aliases multiply: nine
 * levels of nine ("billion laughs") make 387 million values from a 300-byte file. The `yaml` package shares
 * one object per anchor, so parsing stays cheap, but everything after it (validation, hashing, JSON reports)
 * walks the expanded tree. So every YAML file llmlab reads is measured here first, in one pass over the
 * document, and a file whose aliases expand too far is an error at the alias that crossed the limit.
 * Suites, datasets and llmlab.config.yaml all go through {@link toBoundedJS}; the module imports only `yaml`
 * and errors, so both config/ and datasets/ can use it.
 */
import { isAlias, isCollection, isPair, isScalar } from 'yaml';
import type { Alias, Document, LineCounter, Node } from 'yaml';
import { LlmlabError, type ErrorCode, type SourceLocation } from './errors.js';

/**
 * Most values that aliases may add to a file once expanded. Generous for real reuse (an anchored list of ten
 * assertions reused by 100,000 tests is one million), far below a bomb.
 */
export const MAX_ALIAS_VALUES = 1_000_000;

const HINT =
  'a YAML alias (*name) repeats its anchor (&name); aliases of aliases multiply: write the values out, or reuse fewer levels';

/** What {@link toBoundedJS} gives: the plain value, and each alias's anchored node (for locating paths fast). */
export interface BoundedYaml {
  value: unknown;
  aliases: Map<Alias, Node>;
}

/**
 * `doc.toJS()` once the aliases are known to expand to at most {@link MAX_ALIAS_VALUES} values.
 *
 * @throws LlmlabError `code` at the alias that crosses the limit, or that refers to a node containing it.
 */
export function toBoundedJS(doc: Document, lineCounter: LineCounter, file: string, code: ErrorCode): BoundedYaml {
  const at = (node: unknown): SourceLocation => {
    const range = (node as Node | null | undefined)?.range;
    return range ? { file, ...lineCounter.linePos(range[0]) } : { file, line: 1, col: 1 };
  };
  const aliases = measureAliases(doc, (alias, problem) => {
    throw new LlmlabError(
      code,
      problem === 'cycle' ? `YAML alias *${alias.source} refers to a value that contains it` : `YAML aliases expand to more than ${MAX_ALIAS_VALUES} values`,
      { where: at(alias), hint: HINT },
    );
  });
  try {
    // The package's own limit stays on as a second line of defence; the measurement above trips first.
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_VALUES }), aliases };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new LlmlabError(code, `YAML aliases cannot be expanded: ${error.message}`, { where: at(doc.contents), hint: HINT, cause: error });
  }
}

/**
 * Walks the document in order, as YAML resolves aliases (an alias means the last anchor of that name before
 * it), counting the values each alias adds once expanded. Sizes are memoized per node, so the walk is linear
 * in the file, not in the expansion.
 */
function measureAliases(doc: Document, fail: (alias: Alias, problem: 'limit' | 'cycle') => never): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let added = 0;

  function size(node: unknown): number {
    if (node === null || node === undefined) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      // An unknown anchor is the parser's error to report; count the alias as one value.
      if (!target) return 1;
      if (open.has(target)) fail(node, 'cycle');
      targets.set(node, target);
      const expanded = size(target);
      added += expanded;
      if (added > MAX_ALIAS_VALUES) fail(node, 'limit');
      return expanded;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && !isPair(node)) anchors.set(anchor, node as Node);
    let total = 1;
    if (isCollection(node)) {
      open.add(node);
      for (const item of node.items) {
        total += isPair(item) ? size(item.key) + size(item.value) : size(item);
      }
      open.delete(node);
    } else if (!isScalar(node)) {
      return 1;
    }
    sizes.set(node, total);
    return total;
  }

  size(doc.contents);
  return targets;
}
