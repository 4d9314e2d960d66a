/**
 * "Save to a new file" points the suite's prompt entry at the new file, keeping the prompt's id (a `file:` entry
 * without one would take the new file's name, and runs would no longer pair with the old ones). As with inline
 * saves (studio-yaml.ts), only the entry's bytes change: a string entry becomes `{ id: …, file: … }`, a mapping
 * entry's `template:` (or `file:`) becomes the new `file:`, with `id:` added when it was implicit. The result is
 * checked to parse to exactly the suite with that one entry changed; otherwise nothing is re-pointed.
 */
import { basename, extname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parse, parseDocument, type Pair, type Scalar, type YAMLMap } from 'yaml';

const FILE_PREFIX = 'file:';

/** The id resolve-prompts.ts gives a prompt entry. */
function entryId(item: unknown, index: number): string | undefined {
  const fallback = `prompt-${index + 1}`;
  const fromFile = (ref: string) => basename(ref.trim(), extname(ref.trim()));
  if (isScalar(item) && typeof item.value === 'string') return item.value.startsWith(FILE_PREFIX) ? fromFile(item.value.slice(FILE_PREFIX.length)) : fallback;
  if (!isMap(item)) return undefined;
  const id = item.get('id');
  if (typeof id === 'string') return id;
  const file = item.get('file');
  return typeof file === 'string' && !item.has('template') && !item.has('messages') ? fromFile(file) : fallback;
}

/**
 * The suite's text with prompt `promptId`'s entry pointing at `ref` (relative to the suite's folder); undefined
 * when the entry cannot be found or re-pointed exactly (a translated config, a chat-messages prompt).
 */
export function repointPrompt(text: string, promptId: string, ref: string): string | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  const prompts = doc.get('prompts', true);
  if (!isSeq(prompts)) return undefined;
  const index = prompts.items.findIndex((item, i) => entryId(item, i) === promptId);
  const item = prompts.items[index];
  if (index < 0 || !item) return undefined;
  const edits: Array<{ at: number; end: number; text: string }> = [];
  const id = JSON.stringify(promptId);
  const file = JSON.stringify(ref);
  if (isScalar(item)) {
    edits.push(replacing(text, item, `{ id: ${id}, file: ${file} }`));
  } else if (isMap(item)) {
    const pair = (key: string) => (item as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, Scalar> | undefined;
    const template = pair('template');
    const current = pair('file');
    if (template?.key.range && template.value?.range) {
      const end = template.value.range[1];
      edits.push({ at: template.key.range[0], end, text: `file: ${file}${text[end - 1] === '\n' ? '\n' : ''}` });
    } else if (current?.value && isScalar(current.value)) {
      edits.push(replacing(text, current.value, file));
    } else {
      return undefined;
    }
    const first = item.items[0]?.key as Scalar | undefined;
    if (!item.has('id') && first?.range) {
      const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
      const column = first.range[0] - lineStart;
      edits.push({ at: first.range[0], end: first.range[0], text: item.flow ? `id: ${id}, ` : `id: ${id}\n${' '.repeat(column)}` });
    }
  } else {
    return undefined;
  }
  // From the end backwards, so earlier offsets stay valid.
  let next = text;
  for (const edit of edits.sort((a, b) => b.at - a.at)) next = next.slice(0, edit.at) + edit.text + next.slice(edit.end);
  return isDeepStrictEqual(safeParse(next), expected(text, index, promptId, ref)) ? next : undefined;
}

/** Replaces a scalar's value; a block scalar's range ends with its line break, which stays. */
function replacing(text: string, node: Scalar, value: string): { at: number; end: number; text: string } {
  const [at, end] = node.range ?? [0, 0];
  return { at, end, text: text[end - 1] === '\n' ? `${value}\n` : value };
}

/** The suite as data with the entry re-pointed: what the edited text must parse to. */
function expected(text: string, index: number, id: string, ref: string): unknown {
  const data = parse(text) as { prompts: unknown[] };
  const entry = data.prompts[index];
  if (typeof entry === 'string') data.prompts[index] = { id, file: ref };
  else {
    const { template: _template, ...rest } = entry as Record<string, unknown>;
    data.prompts[index] = { ...rest, id, file: ref };
  }
  return data;
}

function safeParse(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}
