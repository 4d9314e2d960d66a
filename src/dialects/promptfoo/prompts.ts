/**
 * promptfoo prompts → llmlab prompts. Shapes: a template string, `file://` paths and globs, `{ raw, label }`,
 * `{ id: file://…, label }`, and the `{ "file://a.txt": label }` map. A text file holding several prompts
 * separated by a `---` line becomes one prompt each; a JSON or YAML file holding a message list, or a template
 * that is a JSON message list, becomes a chat prompt (promptfoo sends such a prompt as messages, so sending it
 * as one user message would change its meaning). Templates are nunjucks in both tools and pass unchanged.
 */
import { basename, extname, relative } from 'node:path';
import { child, fileRef, isRecord, Translator } from './context.js';
import type { Here } from './context.js';
import { expandRef, readDoc, readText } from './read.js';

/** Adds a translated prompt (from `from`) and gives its index. */
type Push = (prompt: Prompt, from: Here) => number;

type Prompt = string | { id?: string; template: string } | { id?: string; file: string } | { id?: string; messages: unknown[] };

const TEXT = new Set(['.txt', '.md', '.j2', '.njk', '.nunjucks', '.prompt', '']);
const SEPARATOR = /\r?\n---\r?\n/;

export async function translatePrompts(t: Translator, value: unknown, here: Here): Promise<Prompt[]> {
  const out: Prompt[] = [];
  const push: Push = (prompt, from) => {
    t.map(['prompts', out.length], from);
    return out.push(prompt) - 1;
  };
  let entries: Array<{ entry: unknown; at: Here; label?: string }>;
  if (Array.isArray(value)) entries = value.map((entry, i) => ({ entry, at: child(here, i) }));
  else if (isRecord(value)) {
    // `{ "file://a.txt": "label" }`: a map of prompt files to labels.
    entries = Object.entries(value).map(([ref, label]) => ({ entry: ref, at: child(here, ref), label: String(label) }));
  } else entries = [{ entry: value, at: here }];
  for (const { entry, at, label } of entries) {
    if (typeof entry === 'string') {
      await translateOne(t, entry, label, at, push);
    } else if (isRecord(entry)) {
      const unknown = Object.keys(entry).find((key) => !['raw', 'id', 'label'].includes(key));
      if (unknown !== undefined) {
        const hint = unknown === 'config'
          ? 'per-prompt provider config does not translate: set it on the provider'
          : 'a promptfoo prompt object has `raw` or `id` (a `file://` path), and `label`';
        t.problem(child(at, unknown), `prompt key \`${unknown}\` does not translate to llmlab`, hint, { key: true });
        continue;
      }
      const text = typeof entry.raw === 'string' ? entry.raw : typeof entry.id === 'string' ? entry.id : undefined;
      if (text === undefined) {
        t.problem(at, 'a promptfoo prompt object needs `raw` or `id`', 'e.g. `{ raw: "Answer: {{question}}", label: short }`');
        continue;
      }
      const where = child(at, typeof entry.raw === 'string' ? 'raw' : 'id');
      const name = typeof entry.label === 'string' ? entry.label : undefined;
      if (typeof entry.raw === 'string') push(inline(t, entry.raw, name, where), where);
      else await translateOne(t, text, name, where, push);
    } else {
      t.problem(at, 'a promptfoo prompt must be a string or an object', 'a template, a `file://` path, or `{ raw, label }`');
    }
  }
  return out;
}

/** An inline template, or messages when the template is a JSON message list. */
function inline(t: Translator, text: string, id: string | undefined, at: Here): Prompt {
  const messages = chatMessages(t, text, at);
  if (messages) return id === undefined ? { messages } : { id, messages };
  return id === undefined ? text : { id, template: text };
}

async function translateOne(t: Translator, text: string, label: string | undefined, at: Here, push: Push) {
  const ref = fileRef(text);
  if (ref === undefined) {
    push(inline(t, text, label, at), at);
    return;
  }
  if (/:[A-Za-z_$][\w$]*$/.test(ref) || /\.(m?[jt]s|cjs|py)$/i.test(ref)) {
    t.problem(at, `prompt function \`${text}\` does not translate to llmlab`, 'llmlab prompts are templates or message lists: render the prompt in a template, or move the logic into a `file:` provider');
    return;
  }
  const files = await expandRef(t, at, ref);
  for (const file of files) {
    const ext = extname(file).toLowerCase();
    const stem = basename(file, extname(file));
    const id = files.length === 1 && label !== undefined ? label : stem;
    if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
      const doc = await readDoc(t, at, file);
      if (!doc) continue;
      if (Array.isArray(doc.value)) push({ id, messages: doc.value }, { doc, path: [] });
      else t.problem({ doc, path: [] }, 'a promptfoo JSON or YAML prompt file must hold a list of chat messages', 'e.g. `[{ role: system, content: ... }, { role: user, content: "{{question}}" }]`');
      continue;
    }
    if (ext === '.jsonl') {
      t.problem(at, 'JSONL prompt files (one conversation per line) do not translate', 'write each conversation as its own `.json` prompt file');
      continue;
    }
    if (!TEXT.has(ext)) {
      t.problem(at, `prompt file type \`${ext}\` does not translate`, 'prompt files are templates (.txt, .md, .j2) or message lists (.json, .yaml)');
      continue;
    }
    const content = await readText(t, at, file, 'prompt file');
    if (content === undefined) continue;
    const parts = content.split(SEPARATOR);
    if (parts.length === 1 && !chatMessages(t, content, at)) {
      const path = relative(t.baseDir, file);
      t.fileRefs.push(['prompts', push({ id, file: path }, at), 'file']);
      continue;
    }
    parts.forEach((part, i) => push(inline(t, part, parts.length === 1 ? id : `${id}-${i + 1}`, at), at));
  }
}

/**
 * A template that is a JSON list of `{ role, content }` is a chat prompt in promptfoo. One that looks like it but
 * does not parse (a list assembled by template code) would be sent as one user message: that is an error.
 */
function chatMessages(t: Translator, text: string, at: Here): unknown[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.includes('role')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed) && parsed.every((m) => isRecord(m) && typeof m.role === 'string')) return parsed;
  } catch {
    t.problem(at, 'this prompt looks like a chat message list built by template code, which does not translate', 'write the messages as a JSON or YAML list whose `content` fields are templates');
  }
  return undefined;
}
