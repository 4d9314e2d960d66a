/**
 * `exact-match`: lm-evaluation-harness's `exact_match` metric (the Hugging Face `evaluate` one it wraps). Both
 * the (transformed) output and the reference go through the same steps, in this order: each of
 * `regexesToIgnore` is deleted everywhere (`re.sub(p, "", x)`, Python syntax), then `ignoreCase` lowercases,
 * `ignorePunctuation` deletes ASCII punctuation (Python's `string.punctuation`), `ignoreNumbers` deletes ASCII
 * digits; they must then be equal. No other normalisation: "18.00" is not "18" (use `numeric` for that).
 * GSM8K's settings: `{ ignoreCase: true, regexesToIgnore: [",", "\\$", "(?s).*#### ", "\\.$"] }`.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { pythonRegex } from './python-regex.js';

interface ExactMatchOptions {
  reference: string;
  ignoreCase?: boolean;
  ignorePunctuation?: boolean;
  ignoreNumbers?: boolean;
  regexesToIgnore?: string[];
}

type Normalise = (text: string) => string;

const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ASCII_DIGITS = /[0-9]/g;
const SHOWN = 60;

const show = (text: string) => JSON.stringify(text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text);

export default defineMetric<ExactMatchOptions | string, { reference: string; normalise: Normalise }>({
  id: 'exact-match',
  optionsSchema: {
    description: "lm-evaluation-harness's exact_match: the reference, or { reference, ignoreCase, ignorePunctuation, ignoreNumbers, regexesToIgnore }",
    oneOf: [
      { type: 'string', description: 'the reference; compared exactly' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['reference'],
        properties: {
          reference: { type: 'string', description: 'the reference answer (normalised like the output)' },
          ignoreCase: { type: 'boolean', description: 'lowercase both (lm-eval ignore_case)' },
          ignorePunctuation: { type: 'boolean', description: 'delete ASCII punctuation from both (ignore_punctuation)' },
          ignoreNumbers: { type: 'boolean', description: 'delete ASCII digits from both (ignore_numbers)' },
          regexesToIgnore: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            description: 'Python regexes whose matches are deleted from both, in order (regexes_to_ignore)',
          },
        },
      },
    ],
  },
  prepare: (value) => {
    const options = typeof value === 'string' ? { reference: value } : value;
    const steps: Normalise[] = (options.regexesToIgnore ?? []).map((pattern) => {
      let regex: RegExp;
      try {
        regex = pythonRegex(pattern);
      } catch (error) {
        throw new LlmlabError('CONFIG_INVALID', `exact-match: invalid regex in regexesToIgnore \`${pattern}\`: ${(error as Error).message}`, {
          hint: 'patterns use Python syntax, as in lm-evaluation-harness task files',
        });
      }
      return (text) => text.replace(regex, '');
    });
    if (options.ignoreCase) steps.push((text) => text.toLowerCase());
    if (options.ignorePunctuation) steps.push((text) => text.replace(ASCII_PUNCTUATION, ''));
    if (options.ignoreNumbers) steps.push((text) => text.replace(ASCII_DIGITS, ''));
    const normalise: Normalise = (text) => steps.reduce((current, step) => step(current), text);
    return { reference: normalise(options.reference), normalise };
  },
  score: ({ output, value }) => {
    const seen = value.normalise(output);
    return seen === value.reference
      ? { pass: true, reason: `${show(seen)} matches the reference` }
      : { pass: false, reason: `${show(seen)} does not match the reference ${show(value.reference)}` };
  },
});
