/**
 * `file://` in an llmlab suite. Where llmlab reads a file (written `file:`), `file://path` is read the same way;
 * anywhere else it is an error naming the position, so a promptfoo habit is never taken as literal text (a
 * `contains` value, a var sent to the model).
 */
import { LlmlabError } from '../errors.js';
import { formatPath } from './describe-schema.js';
import type { ProblemList } from './problems.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

const PROVIDER = String.raw`(providers\.\d+|grader|embedder|attacker|target\.provider|defaultTest\.(grader|embedder)|.*\.assert\.\d+\.grader|.*\.detect\.\d+\.grader)(\.id)?`;

/** Paths (dot-joined) where `file:` is read, and whether the value there keeps the `file:` prefix. */
const READ_AT: Array<{ path: RegExp; prefix: boolean }> = [
  { path: /^prompts\.\d+$/, prefix: true },
  { path: /^prompts\.\d+\.tools$/, prefix: true },
  { path: /^prompts\.\d+\.file$/, prefix: false },
  { path: /^tests$/, prefix: true },
  { path: new RegExp(`^${PROVIDER}$`), prefix: true },
  { path: /^target\.(system|context)$/, prefix: true },
  { path: /^attacks\.\d+\.(type|goals)$/, prefix: true },
];

/** Rewrites `file://x` to what llmlab reads (in place), or records a problem at each position that reads no file. */
export function rewriteFileUrls(source: YamlSource, problems: ProblemList): void {
  walk(source.value, [], (value, path, parent, key) => {
    if (!value.startsWith('file://')) return;
    const rest = value.slice('file://'.length);
    const dotted = path.join('.');
    const rule = READ_AT.find((r) => r.path.test(dotted)) ?? (isJavascriptValue(parent, key) ? { prefix: true } : undefined);
    if (rule) {
      (parent as Record<PathSegment, unknown>)[key] = rule.prefix ? `file:${rest}` : rest;
      return;
    }
    problems.add(
      new LlmlabError('CONFIG_INVALID', `\`file://\` is not read at ${formatPath(path)}`, {
        where: source.locate(path),
        hint: 'llmlab reads files (`file:<path>`) in prompts, tests, provider ids, `javascript` and `python` assertion values, target.system/context and attack goals: write the value itself here',
      }),
    );
  });
}

/** A `javascript` or `python` assertion's value: `file:` names its module or script. */
function isJavascriptValue(parent: unknown, key: PathSegment): boolean {
  if (key !== 'value' || typeof parent !== 'object' || parent === null) return false;
  const type = (parent as { type?: unknown }).type;
  return type === 'javascript' || type === 'not-javascript' || type === 'python' || type === 'not-python';
}

function walk(
  value: unknown,
  path: PathSegment[],
  visit: (value: string, path: PathSegment[], parent: unknown, key: PathSegment) => void,
  parent?: unknown,
  key?: PathSegment,
): void {
  if (typeof value === 'string') {
    if (parent !== undefined && key !== undefined) visit(value, path, parent, key);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, [...path, i], visit, value, i));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, item] of Object.entries(value)) walk(item, [...path, k], visit, value, k);
  }
}
