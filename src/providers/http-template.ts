/**
 * The `http` provider's own small template language and JSON paths. Not nunjucks on purpose: a request body is
 * JSON, and a prompt full of quotes, newlines or `{{` must land in it escaped, never interpreted.
 * Templates know `{{ prompt }}`, `{{ messages }}`, `{{ vars.NAME }}` (a path: `vars.user.name`) and `{{ env.NAME }}`.
 */
import { LlmlabError, ProviderError } from '../errors.js';
import type { GenerateRequest, ProviderSpec } from '../types.js';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const EXPRESSION = /^(prompt|messages|vars\.[^\s{}]+|env\.[A-Za-z_][\w]*)$/;

/** One step of a parsed path: an object key or an array index (as a string). */
export type PathPart = string;
/** Resolves one placeholder expression for one request. */
export type Lookup = (expression: string) => unknown;

/**
 * Checks every placeholder in `templates` (strings, nested in any JSON value): each must be a known value and each
 * `env.NAME` must be set. Returns the env values used, resolved once per provider.
 */
export function resolveEnv(id: string, env: ProviderSpec['env'], templates: unknown[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const expression of placeholdersIn(templates)) {
    if (!EXPRESSION.test(expression) || (expression.startsWith('vars.') && !parsePath(expression.slice(5)))) {
      throw new LlmlabError('CONFIG_INVALID', `${id}: unknown template value {{ ${expression} }}`, {
        hint: 'templates can use {{ prompt }}, {{ messages }}, {{ vars.NAME }} and {{ env.NAME }}',
      });
    }
    if (!expression.startsWith('env.')) continue;
    const name = expression.slice(4);
    const value = env[name];
    if (value === undefined) {
      throw new LlmlabError('CONFIG_INVALID', `${id}: environment variable ${name} is not set`, {
        hint: `set ${name} in the environment or in .env`,
      });
    }
    values[name] = value;
  }
  return values;
}

/** Values of one request; a var the test does not define fails the call (not retryable). */
export function lookupFor(request: GenerateRequest, env: Record<string, string>): Lookup {
  return (expression) => {
    if (expression === 'prompt') return request.prompt;
    if (expression === 'messages') return request.messages;
    if (expression.startsWith('env.')) return env[expression.slice(4)];
    const path = parsePath(expression.slice(5));
    const value = path && readPath(request.vars, path);
    if (value === undefined) {
      throw new ProviderError(`http: {{ ${expression} }} is not defined for this test`, { retryable: false });
    }
    return value;
  };
}

/**
 * Renders a body. A JSON value: strings are templates, and a string that is exactly one placeholder becomes that
 * value (an array for `{{ messages }}`). A string that looks like JSON is rendered JSON-aware; any other string is
 * plain text.
 */
export function renderBody(body: unknown, lookup: Lookup): { text: string; json: boolean } {
  if (typeof body !== 'string') return { text: JSON.stringify(renderValue(body, lookup)), json: true };
  if (/^\s*[[{]/.test(body)) return { text: renderJsonText(body, lookup), json: true };
  return { text: renderText(body, (e) => toText(lookup(e))), json: false };
}

function renderValue(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value);
    return whole ? lookup(whole[1] ?? '') : renderText(value, (e) => toText(lookup(e)));
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, lookup));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, lookup)]));
  }
  return value;
}

/** Plain substitution; `valueOf` decides the text of each value (escaped, URL-encoded...). */
export function renderText(template: string, valueOf: (expression: string) => string): string {
  return template.replace(PLACEHOLDER, (_match, expression: string) => valueOf(expression));
}

/** Inside a JSON string literal a value is escaped into it; outside one it is inserted as a JSON value. */
function renderJsonText(template: string, lookup: Lookup): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const before = template.slice(last, match.index);
    for (let i = 0; i < before.length; i++) {
      if (inString && before[i] === '\\') i++;
      else if (before[i] === '"') inString = !inString;
    }
    const value = lookup(match[1] ?? '');
    out += before + (inString ? JSON.stringify(toText(value)).slice(1, -1) : JSON.stringify(value));
    last = match.index + match[0].length;
  }
  return out + template.slice(last);
}

function placeholdersIn(values: unknown[]): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') for (const match of value.matchAll(PLACEHOLDER)) found.add(match[1] ?? '');
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  values.forEach(visit);
  return found;
}

/** Strings as they are, anything else as JSON. */
export function toText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** `choices[0].message.content`, `data.items.0`, `["a.b"]` → parts; undefined when it does not parse. */
export function parsePath(path: string): PathPart[] | undefined {
  const token = /\.?([^.[\]"']+)|\[(\d+)\]|\[(?:"([^"]*)"|'([^']*)')\]/y;
  const parts: PathPart[] = [];
  let pos = 0;
  while (pos < path.length) {
    token.lastIndex = pos;
    const match = token.exec(path);
    if (!match) return undefined;
    const dotted = match[0].startsWith('.');
    if (match[1] !== undefined && dotted === (pos === 0)) return undefined;
    parts.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
    pos = token.lastIndex;
  }
  return parts.length > 0 ? parts : undefined;
}

/** The value at `parts`, or undefined; only own properties, so `__proto__` and friends read nothing. */
export function readPath(value: unknown, parts: PathPart[]): unknown {
  let current = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Parts back to `a.b[0]` form, for messages. */
export function formatPath(parts: PathPart[]): string {
  return parts.map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}
