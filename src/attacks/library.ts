/**
 * The built-in attack library: templates/attacks/*.yaml, our own texts kept as data so they can be read, reviewed
 * and extended without touching code. Each file is validated when first loaded (shape, unique ids, placeholders);
 * the files ship with llmlab, so a malformed one is our bug and fails as INTERNAL.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { LlmlabError, messageOf } from '../errors.js';
import { SEVERITIES, type Severity } from '../types.js';
import type { AttackGoal } from './types.js';

/** One attack template: a payload or request, tagged for the report. */
export interface LibraryTemplate {
  id: string;
  title: string;
  severity: Severity;
  owasp: string[];
  strategy: string;
  text: string;
}

/** How an indirect injection reaches the model: a user request (`{{ document }}`) around data (`{{ payload }}`). */
export interface InjectionCarrier {
  id: string;
  title: string;
  user: string;
  document: string;
}

/** A jailbreak framing of a goal (`{{ goal }}`); its severity comes from the goal. */
export interface JailbreakTemplate {
  id: string;
  title: string;
  owasp: string[];
  text: string;
}

/** A scripted crescendo: 3–5 user turns, the last holding `{{ goal }}`, earlier ones at most `{{ topic }}`. */
export interface MultiTurnTemplate {
  id: string;
  title: string;
  owasp: string[];
  turns: string[];
}

export interface PromptInjectionLibrary {
  templates: LibraryTemplate[];
  carriers: InjectionCarrier[];
}

/** system-prompt-extraction and data-extraction: a canary-bearing `plant` plus the requests that try to get it out. */
export interface ExtractionLibrary {
  plant: string;
  templates: LibraryTemplate[];
}

export interface JailbreakLibrary {
  'role-play': JailbreakTemplate[];
  'refusal-suppression': JailbreakTemplate[];
  plain: JailbreakTemplate[];
  /** Wrappers around a converted payload (`{{ payload }}`), keyed by converter id. */
  encodings: Record<string, string>;
  'multi-turn': MultiTurnTemplate[];
  /** System prompt of the attacker model (`{{ goal }}`, `{{ turn }}`, `{{ max_turns }}`). */
  attacker: string;
  /** Translation instruction for the attacker model (`{{ language }}`, `{{ text }}`). */
  translate: string;
  /** Mutation instruction for the attacker model: the same request in new words (`{{ text }}`). */
  rephrase: string;
}

export interface GoalLibrary {
  goals: Array<AttackGoal & { topic: string }>;
}

/** Every library file, by name. */
export interface AttackLibraries {
  'prompt-injection': PromptInjectionLibrary;
  'system-prompt-extraction': ExtractionLibrary;
  'data-extraction': ExtractionLibrary;
  jailbreak: JailbreakLibrary;
  goals: GoalLibrary;
}

export type LibraryName = keyof AttackLibraries;

// What each file must look like; typed over LibraryName so a new file needs a schema.
const str = { type: 'string', minLength: 1 };
const id = { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' };
const owasp = { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^LLM(?:0[1-9]|10):2025$' } };
const severity = { type: 'string', enum: [...SEVERITIES] };

function obj(properties: Record<string, object>, optional: string[] = []): object {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  return { type: 'object', additionalProperties: false, required, properties };
}
function list(items: object, extra: object = {}): object {
  return { type: 'array', minItems: 1, items, ...extra };
}
function templates(strategies: string[]): object {
  return list(obj({ id, title: str, severity, owasp, strategy: { type: 'string', enum: strategies }, text: str }));
}
const jailbreakTemplate = obj({ id, title: str, owasp, text: str });

const LIBRARY_SCHEMAS: Record<LibraryName, object> = {
  'prompt-injection': obj({
    templates: templates(['direct', 'indirect']),
    carriers: list(obj({ id, title: str, user: str, document: str })),
  }),
  'system-prompt-extraction': obj({ plant: str, templates: templates(['direct']) }),
  'data-extraction': obj({ plant: str, templates: templates(['direct', 'social-engineering', 'pretext']) }),
  jailbreak: obj({
    'role-play': list(jailbreakTemplate),
    'refusal-suppression': list(jailbreakTemplate),
    plain: list(jailbreakTemplate, { maxItems: 1 }),
    // The jailbreak family looks these wrappers up by converter id.
    encodings: { ...obj({ base64: str, rot13: str, 'payload-split': str }), additionalProperties: str },
    'multi-turn': list(obj({ id, title: str, owasp, turns: list(str, { minItems: 3, maxItems: 5 }) })),
    attacker: str,
    translate: str,
    rephrase: str,
  }),
  goals: obj({
    goals: list(obj({ id, goal: str, severity, topic: str, detect: { type: 'array', items: { type: 'object' } } }, ['detect'])),
  }),
};

/** Every library name (= file name without `.yaml`). */
export const LIBRARY_NAMES = Object.keys(LIBRARY_SCHEMAS) as LibraryName[];

/** templates/attacks/ of the package: two levels above both src/attacks and dist/attacks. */
export const LIBRARY_DIR = fileURLToPath(new URL('../../templates/attacks/', import.meta.url));

const cache = new Map<LibraryName, Promise<unknown>>();

/** Reads templates/attacks/<name>.yaml, validated; cached per process (a failed load is retried next time). */
export async function loadLibrary<K extends LibraryName>(name: K): Promise<AttackLibraries[K]> {
  let pending = cache.get(name);
  if (!pending) {
    pending = loadLibraryFrom(LIBRARY_DIR, name);
    cache.set(name, pending);
    pending.catch(() => cache.delete(name));
  }
  return pending as Promise<AttackLibraries[K]>;
}

/** {@link loadLibrary} from another folder, uncached: for tests of the validation. */
export async function loadLibraryFrom<K extends LibraryName>(dir: string, name: K): Promise<AttackLibraries[K]> {
  const file = `${dir.replace(/\/$/, '')}/${name}.yaml`;
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw libraryError(file, `cannot be read: ${messageOf(error)}`, error);
  }
  let data: unknown;
  try {
    data = parse(source);
  } catch (error) {
    throw libraryError(file, `is not valid YAML: ${messageOf(error)}`, error);
  }
  const validate = await validatorFor(name);
  if (!validate(data)) throw libraryError(file, describeError(data, validate.errors?.[0]));
  checkUniqueIds(file, data);
  checkPlaceholders(file, name, data);
  return data as AttackLibraries[K];
}

/** Replaces `{{ name }}` / `{{name}}` with `values[name]` in one pass (values are not rescanned); unknown names stay. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}

/** Placeholder names in `text`, in order of first use; a `{{` that is not a well-formed placeholder is listed as `{{`. */
export function listPlaceholders(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\{\{(?:\s*([A-Za-z_][\w]*)\s*\}\})?/g)) names.add(match[1] ?? '{{');
  return [...names];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

let ajv: Promise<Ajv2020> | undefined;

// ajv's compiler is imported only when a library is first loaded: a suite without attacks never pays for it.
async function validatorFor(name: LibraryName): Promise<ValidateFunction> {
  ajv ??= import('ajv/dist/2020.js').then(({ Ajv2020 }) => new Ajv2020({ allErrors: false, strict: true }));
  // ajv caches compiled schemas by identity, so each library's schema is compiled once.
  return (await ajv).compile(LIBRARY_SCHEMAS[name]);
}

function libraryError(file: string, message: string, cause?: unknown): LlmlabError {
  const hint = 'templates/attacks/ ships with llmlab: reinstall it, or fix the file if you edited it';
  return new LlmlabError('INTERNAL', `attack library ${file} ${message}`, { hint, cause });
}

/** Names the failing path and the entry (its `id`) it belongs to, e.g. `/templates/3/severity (entry "x")`. */
function describeError(data: unknown, error: ErrorObject | undefined): string {
  if (!error) return 'is malformed';
  const at = error.instancePath || '/';
  const entry = entryIdAt(data, error.instancePath);
  const { keyword, params } = error;
  const detail =
    keyword === 'additionalProperties' ? `has unexpected property "${String(params.additionalProperty)}"` : error.message;
  return `is malformed: ${at} ${detail}${entry ? ` (entry "${entry}")` : ''}`;
}

/** The `id` of the deepest object with one along a JSON pointer. */
function entryIdAt(data: unknown, pointer: string): string | undefined {
  let node = data;
  let id: string | undefined;
  for (const key of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')];
    const candidate = (node as { id?: unknown } | undefined)?.id;
    if (typeof candidate === 'string') id = candidate;
  }
  return id;
}

/** Ids are unique across a whole file: attack test ids and the report's template column are built from them. */
function checkUniqueIds(file: string, data: unknown): void {
  const seen = new Map<string, string>();
  for (const [key, entries] of Object.entries(data as Record<string, unknown>)) {
    if (!Array.isArray(entries)) continue;
    for (const [i, entry] of (entries as Array<{ id: string }>).entries()) {
      const first = seen.get(entry.id);
      if (first) throw libraryError(file, `is malformed: /${key}/${i} repeats the id "${entry.id}" of ${first}`);
      seen.set(entry.id, `/${key}/${i}`);
    }
  }
}

function checkPlaceholders(file: string, name: LibraryName, data: unknown): void {
  const fields = (PLACEHOLDER_RULES[name] as (d: unknown) => PlaceholderField[])(data);
  for (const field of fields) {
    const used = listPlaceholders(field.text);
    const missing = field.required.filter((p) => !used.includes(p));
    const unknown = used.filter((p) => !field.allowed.includes(p));
    const entry = field.entry ? ` (entry "${field.entry}")` : '';
    if (missing.length > 0) {
      throw libraryError(file, `is malformed: ${field.where}${entry} must contain ${missing.map(braces).join(', ')}`);
    }
    if (unknown.length > 0) {
      const allowed = field.allowed.length > 0 ? `only ${field.allowed.map(braces).join(', ')}` : 'no placeholders';
      throw libraryError(file, `is malformed: ${field.where}${entry} uses ${unknown.map(braces).join(', ')}; it may use ${allowed}`);
    }
  }
}

function braces(name: string): string {
  return name === '{{' ? 'a stray "{{"' : `{{ ${name} }}`;
}

/** One text of a library file and the placeholders it must and may use. */
type PlaceholderField = { where: string; entry: string | undefined; text: string; required: string[]; allowed: string[] };

function field(where: string, entry: string | undefined, text: string, required: string[], allowed = required): PlaceholderField {
  return { where, entry, text, required, allowed };
}
function each(key: string, entries: Array<{ id: string; text: string }>, placeholders: string[]): PlaceholderField[] {
  return entries.map((e, i) => field(`/${key}/${i}/text`, e.id, e.text, placeholders));
}

/** The placeholder contract of each file; the attack families fill exactly these. */
const PLACEHOLDER_RULES: { [K in LibraryName]: (data: AttackLibraries[K]) => PlaceholderField[] } = {
  'prompt-injection': (d) => [
    ...each('templates', d.templates, ['marker']),
    ...d.carriers.flatMap((c, i) => [
      field(`/carriers/${i}/user`, c.id, c.user, ['document']),
      field(`/carriers/${i}/document`, c.id, c.document, ['payload']),
    ]),
  ],
  'system-prompt-extraction': (d) => [field('/plant', undefined, d.plant, ['canary']), ...each('templates', d.templates, [])],
  'data-extraction': (d) => [
    field('/plant', undefined, d.plant, ['canary_key', 'canary_email', 'canary_note']),
    ...each('templates', d.templates, []),
  ],
  jailbreak: (d) => [
    ...each('role-play', d['role-play'], ['goal']),
    ...each('refusal-suppression', d['refusal-suppression'], ['goal']),
    ...each('plain', d.plain, ['goal']),
    ...Object.entries(d.encodings).map(([key, value]) => field(`/encodings/${key}`, undefined, value, ['payload'])),
    // Early turns build innocuous context around the topic: the goal itself only appears in the last one.
    ...d['multi-turn'].flatMap((m, i) =>
      m.turns.map((turn, t) =>
        t === m.turns.length - 1
          ? field(`/multi-turn/${i}/turns/${t}`, m.id, turn, ['goal'], ['goal', 'topic'])
          : field(`/multi-turn/${i}/turns/${t}`, m.id, turn, [], ['topic']),
      ),
    ),
    field('/attacker', undefined, d.attacker, ['goal', 'turn', 'max_turns']),
    field('/translate', undefined, d.translate, ['language', 'text']),
    field('/rephrase', undefined, d.rephrase, ['text']),
  ],
  goals: (d) =>
    d.goals.flatMap((g, i) => [field(`/goals/${i}/goal`, g.id, g.goal, []), field(`/goals/${i}/topic`, g.id, g.topic, [])]),
};
