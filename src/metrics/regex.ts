/**
 * `regex`: the output matches a JavaScript regular expression, written as its source (`\d{3}-\d{4}`) or as a
 * literal with flags (`/hello/i`). Compiled once per assertion.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { regexGuard, type RegexGuard } from './regex-guard.js';

// `/source/flags`. Flags must be distinct known letters, so `/api/v1` or `/docs/page` stay plain sources.
const LITERAL = /^\/([\s\S]+)\/((?!.*(.).*\3)[dgimsuvy]*)$/;
// A tail that reads as a try at flags but is not a valid set: a mistake to name, not text to match. Up to three
// letters (`/abc/zz`, `/x/ii`, `/x/I`), or flag letters with one stray (`/x/gimsx`); a longer word (`/docs/page`)
// or a digit (`/api/v1`) keeps the slashes part of the pattern.
const FLAG_ATTEMPT = /^\/[\s\S]+\/([A-Za-z]{1,3}|[dgimsuvy]*[A-Za-z][dgimsuvy]*)$/;
const FLAGS = 'dgimsuvy';
const SHOWN = 60;

function checkFlags(value: string): void {
  const flags = FLAG_ATTEMPT.exec(value)?.[1];
  if (!flags) return;
  const letters = [...flags];
  const unknown = [...new Set(letters.filter((f) => !FLAGS.includes(f)))];
  const repeated = [...new Set(letters.filter((f, i) => letters.indexOf(f) !== i))];
  const problem = unknown.length > 0
    ? `has unknown flag${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`
    : `repeats flag${repeated.length > 1 ? 's' : ''} ${repeated.join(', ')}`;
  throw new LlmlabError('CONFIG_INVALID', `regex ${JSON.stringify(value)} ${problem}; allowed flags: ${[...FLAGS].join(' ')}`, {
    hint: 'flags follow the closing slash, each once (e.g. /yes|no/i); to match a slash, write a / inside the pattern as \\/',
  });
}

function compile(value: string): RegExp {
  const literal = LITERAL.exec(value);
  if (!literal) checkFlags(value);
  try {
    return literal ? new RegExp(literal[1] ?? '', literal[2]) : new RegExp(value);
  } catch (error) {
    throw new LlmlabError(
      'CONFIG_INVALID',
      `regex ${JSON.stringify(value)} is not a valid regular expression: ${(error as Error).message}`,
      {
        hint:
          'use JavaScript regex syntax, e.g. ^\\d+$ or /yes|no/i; in YAML single quotes keep backslashes as written ' +
          "(value: '\\d+')",
        cause: error,
      },
    );
  }
}

/** Each prepared pattern's protection against catastrophic backtracking, decided once (see regex-guard.ts). */
const guards = new WeakMap<RegExp, RegexGuard>();

export default defineMetric<string, RegExp>({
  id: 'regex',
  optionsSchema: {
    type: 'string',
    minLength: 1,
    description: 'JavaScript regular expression the output must match: its source (`^\\d+$`) or `/source/flags`.',
  },
  prepare: (value) => {
    if (typeof value !== 'string' || value === '') {
      throw new LlmlabError('CONFIG_INVALID', 'regex needs a non-empty string `value`', {
        hint: 'e.g. { type: regex, value: "^(yes|no)$" }',
      });
    }
    const pattern = compile(value);
    guards.set(pattern, regexGuard(pattern));
    return pattern;
  },
  score: ({ output, value }) => {
    // One RegExp serves every cell; with a `g` or `y` flag, exec resumes from lastIndex, so rewind it first.
    value.lastIndex = 0;
    const guard = guards.get(value) ?? regexGuard(value);
    const match = guard(() => value.exec(output));
    if (!match) return { pass: false, reason: `no match for ${value}` };
    const text = match[0].length > SHOWN ? `${JSON.stringify(match[0].slice(0, SHOWN))}…` : JSON.stringify(match[0]);
    return { pass: true, reason: `matched ${text} at ${match.index}` };
  },
});
