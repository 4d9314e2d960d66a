/**
 * `regex`: the output matches a JavaScript regular expression, written as its source (`\d{3}-\d{4}`) or as a
 * literal with flags (`/hello/i`). Compiled once per assertion.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

// `/source/flags`. Flags must be distinct known letters, so `/api/v1` or `/docs/page` stay plain sources.
const LITERAL = /^\/([\s\S]+)\/((?!.*(.).*\3)[dgimsuvy]*)$/;
const SHOWN = 60;

function compile(value: string): RegExp {
  const literal = LITERAL.exec(value);
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
    return compile(value);
  },
  score: ({ output, value }) => {
    // One RegExp serves every cell; with a `g` or `y` flag, exec resumes from lastIndex, so rewind it first.
    value.lastIndex = 0;
    const match = value.exec(output);
    if (!match) return { pass: false, reason: `no match for ${value}` };
    const text = match[0].length > SHOWN ? `${JSON.stringify(match[0].slice(0, SHOWN))}…` : JSON.stringify(match[0]);
    return { pass: true, reason: `matched ${text} at ${match.index}` };
  },
});
