/**
 * Saving an inline prompt back into its suite file. Only the prompt's own text changes: the new value is spliced
 * into the file at the old value's byte range, so comments, quoting and layout elsewhere stay byte for byte (a
 * whole-document re-serialization would re-indent and re-fold the rest). A multi-line template is written as a
 * block literal (`|`) in block context; whenever the result does not parse back to exactly the new template —
 * flow context, leading spaces, a trailing comment — it falls back to a quoted scalar (single-quoted for one line,
 * else JSON's double quotes, which YAML reads the same in any context).
 */
import { isMap, isScalar, isSeq, parseDocument, type Scalar } from 'yaml';

/** Where an inline prompt's template sits in a suite file. */
export interface InlinePrompt {
  /** The entry's index in `prompts`. */
  index: number;
  /** `prompts[i]` (a string entry) or `prompts[i].template`. */
  path: Array<string | number>;
  /** Byte range of the value in the file: [start, end). */
  range: [number, number];
  /** True inside a flow collection (`prompts: [a, b]`), where no block scalar may appear. */
  flow: boolean;
  /** The template as the file holds it: a save in place is only right when it is the prompt as loaded. */
  value: string;
}

const FILE_PREFIX = 'file:';

/**
 * The inline prompt with id `promptId` in the suite's text, as resolve-prompts.ts names them (`id`, else
 * `prompt-<n>`); undefined when the file holds no such inline template (a `file:` or messages prompt, or a
 * translated promptfoo config whose `prompts` are not llmlab's).
 */
export function findInlinePrompt(text: string, promptId: string): InlinePrompt | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  const prompts = doc.get('prompts', true);
  if (!isSeq(prompts)) return undefined;
  for (const [index, item] of prompts.items.entries()) {
    const fallback = `prompt-${index + 1}`;
    if (isScalar(item) && typeof item.value === 'string') {
      if (item.value.startsWith(FILE_PREFIX) || promptId !== fallback) continue;
      return located(item, index, ['prompts', index], prompts.flow === true);
    }
    if (!isMap(item)) continue;
    const id = item.get('id');
    if ((typeof id === 'string' ? id : fallback) !== promptId) continue;
    const template = item.get('template', true);
    if (!isScalar(template) || typeof template.value !== 'string') return undefined;
    return located(template, index, ['prompts', index, 'template'], prompts.flow === true || item.flow === true);
  }
  return undefined;
}

function located(node: Scalar, index: number, path: Array<string | number>, flow: boolean): InlinePrompt | undefined {
  if (!node.range) return undefined;
  return { index, path, range: [node.range[0], node.range[1]], flow, value: String(node.value) };
}

/**
 * The suite's text with the inline prompt's template replaced by `template`; undefined when no rendering parses
 * back to it (never expected: the JSON form always does).
 */
export function replaceInlinePrompt(text: string, prompt: InlinePrompt, template: string): string | undefined {
  const singleQuoted = template.includes('\n') ? undefined : `'${template.replaceAll("'", "''")}'`;
  const candidates = [...(prompt.flow ? [] : [blockLiteral(text, prompt, template)]), singleQuoted, JSON.stringify(template)];
  for (const rendered of candidates) {
    if (rendered === undefined) continue;
    const old = text.slice(prompt.range[0], prompt.range[1]);
    // A block scalar's range ends after its last line break: whatever replaces it must end a line too, and a
    // block replacing a one-line value leaves that line's own break to end it.
    const value = old.endsWith('\n') ? (rendered.endsWith('\n') ? rendered : `${rendered}\n`) : rendered.replace(/\n$/, '');
    const next = text.slice(0, prompt.range[0]) + value + text.slice(prompt.range[1]);
    const doc = parseDocument(next);
    if (doc.errors.length === 0 && doc.getIn(prompt.path) === template) return next;
  }
  return undefined;
}

/**
 * `template` as a block literal indented two columns past the key (or sequence dash) it belongs to; undefined
 * for a one-line template (kept a plain one-line scalar by the JSON form) or one a block literal cannot hold
 * as is (leading spaces on the first line would need an indentation indicator).
 */
function blockLiteral(text: string, prompt: InlinePrompt, template: string): string | undefined {
  if (!template.includes('\n') || /^[ \t]/.test(template) || /[\0-\x08\x0b-\x1f\x7f]/.test(template)) return undefined;
  const lineStart = text.lastIndexOf('\n', prompt.range[0] - 1) + 1;
  const line = text.slice(lineStart, prompt.range[0]);
  // `  - id: x` → the key's column; `  - |` (the value right after the dash) → the dash's column.
  let column = line.length - line.trimStart().length;
  let dash = -1;
  while (line.startsWith('- ', column) || line.slice(column) === '-') {
    dash = column;
    column += 1;
    while (line[column] === ' ') column += 1;
  }
  const indent = ' '.repeat((column >= line.length && dash >= 0 ? dash : column) + 2);
  const trailing = /\n*$/.exec(template)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = template.slice(0, template.length - trailing).split('\n').map((l) => (l === '' ? '' : indent + l));
  return `|${chomp}\n${body.join('\n')}\n${'\n'.repeat(Math.max(trailing - 1, 0))}`;
}
