/**
 * Replaces known secret values in text with `[REDACTED:<NAME>]`, plain or disguised the ways a server or a
 * model echoes them: the value itself (any case), spaced or hyphenated out, reversed, hex, and base64 — also
 * inside a longer base64 text (`Basic dXNlcjpzay0…`, base64 of `Bearer sk-…`), standard or URL-safe. A base64
 * hit takes its whole base64 run, since the characters next to the key's core still carry bits of it.
 */
import { base64Cores } from './base64-cores.js';

/** A secret and the name it is shown by, e.g. the environment variable it came from. */
export interface NamedSecret {
  name: string;
  value: string;
}

/** Shorter values (`1`, `true`, a port) would redact ordinary text; providers use the same cut-off. */
export const MIN_SECRET_LENGTH = 8;

/** What may sit between the characters of a spaced-out secret: spaces, punctuation, zero-width characters. */
const GAP = '[\\s\\-_.:,|/·•\\u200B-\\u200D\\u2060\\uFEFF]{0,3}';
const BASE64_CHAR = /[A-Za-z0-9+/_-]/;

interface Pattern {
  name: string;
  regex: RegExp;
  /** Widen the match to the base64 run around it. */
  widen?: boolean;
}

/** A function that redacts every given secret from a text; undefined when there is nothing to redact. */
export function createRedactor(secrets: readonly NamedSecret[]): ((text: string) => string) | undefined {
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  // Longest first, so a secret containing another is replaced whole.
  for (const { name, value } of [...secrets].sort((a, b) => b.value.length - a.value.length)) {
    if (value.length < MIN_SECRET_LENGTH || seen.has(value)) continue;
    seen.add(value);
    patterns.push(...patternsOf(name, value));
  }
  if (patterns.length === 0) return undefined;
  return (text) => {
    let out = text;
    for (const { name, regex, widen } of patterns) {
      if (!regex.test(out)) continue;
      regex.lastIndex = 0;
      out = widen ? replaceWidened(out, regex, `[REDACTED:${name}]`) : out.replace(regex, `[REDACTED:${name}]`);
    }
    return out;
  };
}

function patternsOf(name: string, value: string): Pattern[] {
  const chars = [...value];
  const spaced = (list: string[]): string => list.map(escape).join(GAP);
  const cores = base64Cores(value).filter((core) => core.length >= MIN_SECRET_LENGTH);
  const base64 = [...new Set([...cores, ...cores.map((c) => c.replaceAll('+', '-').replaceAll('/', '_'))])];
  const hex = Buffer.from(value, 'utf8').toString('hex');
  return [
    // Spaced out covers the plain value too (a gap may be empty).
    { name, regex: new RegExp(spaced(chars), 'gi') },
    { name, regex: new RegExp(spaced([...chars].reverse()), 'gi') },
    { name, regex: new RegExp(escape(hex), 'gi') },
    ...(base64.length > 0 ? [{ name, regex: new RegExp(base64.map(escape).join('|'), 'g'), widen: true }] : []),
  ];
}

/** Replaces each match together with the run of base64 characters (and `=` padding) it sits in. */
function replaceWidened(text: string, regex: RegExp, marker: string): string {
  let out = '';
  let from = 0;
  for (const match of text.matchAll(regex)) {
    let start = match.index;
    let end = start + match[0].length;
    // A run already replaced (two cores in one blob) is not widened twice.
    if (start < from) continue;
    while (start > from && BASE64_CHAR.test(text[start - 1]!)) start--;
    while (end < text.length && BASE64_CHAR.test(text[end]!)) end++;
    while (end < text.length && text[end] === '=') end++;
    out += text.slice(from, start) + marker;
    from = end;
  }
  return out + text.slice(from);
}

/**
 * A copy of `value` with every string redacted; objects and arrays are copied only where something changed,
 * and each object is redacted once (the same cell goes to the database and to the event stream).
 */
export function redactDeep<T>(value: T, redact: (text: string) => string, memo = new WeakMap<object, unknown>()): T {
  if (typeof value === 'string') return redact(value) as T;
  if (value === null || typeof value !== 'object') return value;
  // Plain data only: a class instance (a Date, a Buffer) keeps its identity.
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  const known = memo.get(value);
  if (known !== undefined) return known as T;
  let changed = false;
  const copy: unknown = Array.isArray(value)
    ? value.map((item) => {
        const next = redactDeep(item, redact, memo);
        changed ||= next !== item;
        return next;
      })
    : Object.fromEntries(
        Object.entries(value).map(([key, item]) => {
          const next = redactDeep(item, redact, memo);
          changed ||= next !== item;
          return [key, next];
        }),
      );
  const result = (changed ? copy : value) as T;
  memo.set(value, result);
  return result;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
