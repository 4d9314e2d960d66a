/**
 * `icontains`: the output includes a substring, ignoring case. Both sides are folded the same way: NFC first
 * (so a precomposed "é" equals "e" + combining accent), then upper- and lower-casing, which, unlike a bare
 * toLowerCase, also equates "ß" with "SS" and "ﬁ" with "FI"; final sigma is folded to σ. String case mapping in
 * JS is locale-independent, so a Turkish locale on the host changes nothing.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';

/** The case folding `icontains` (and `icontains-any` / `icontains-all`) compares under. */
export function fold(text: string): string {
  return text.normalize('NFC').toUpperCase().toLowerCase().replaceAll('ς', 'σ');
}

interface Needle {
  text: string;
  folded: string;
}

export default defineMetric<string | number, Needle>({
  id: 'icontains',
  optionsSchema: {
    description: 'Substring the output must contain, ignoring case. A number is matched as its decimal text.',
    anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
  },
  prepare: (value) => {
    if ((typeof value !== 'string' && typeof value !== 'number') || value === '') {
      throw new LlmlabError('CONFIG_INVALID', 'icontains needs a non-empty string `value`', {
        hint: 'e.g. { type: icontains, value: "reset link" }',
      });
    }
    const text = String(value);
    return { text, folded: fold(text) };
  },
  score: ({ output, value }) => {
    const folded = fold(output);
    const at = folded.indexOf(value.folded);
    if (at < 0) return { pass: false, reason: `${JSON.stringify(value.text)} not found (ignoring case)` };
    // Folding can change lengths ("ß" → "ss"), so the folded position is the output's only if the slice agrees.
    const slice = output.slice(at, at + value.folded.length);
    const found = fold(slice) === value.folded ? `${JSON.stringify(slice)} at ${at}` : JSON.stringify(value.text);
    return { pass: true, reason: `found ${found} (ignoring case)` };
  },
});
