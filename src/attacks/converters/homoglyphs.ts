/**
 * Latin letters and the Cyrillic/Greek letters that render the same in common fonts. One target per letter,
 * so the conversion is deterministic and reversible.
 */
export const HOMOGLYPHS: Readonly<Record<string, string>> = {
  a: '\u0430', c: '\u0441', e: '\u0435', i: '\u0456', j: '\u0458', o: '\u043E', p: '\u0440', s: '\u0455',
  x: '\u0445', y: '\u0443', v: '\u03BD',
  A: '\u0410', B: '\u0412', C: '\u0421', E: '\u0415', H: '\u041D', I: '\u0406', J: '\u0408', K: '\u041A',
  M: '\u041C', N: '\u039D', O: '\u041E', P: '\u0420', S: '\u0405', T: '\u0422', X: '\u0425', Y: '\u03A5',
  Z: '\u0396',
};

const REVERSE: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(HOMOGLYPHS).map(([latin, glyph]) => [glyph, latin]));

/** Replaces every Latin letter that has a look-alike; letters without one are kept. */
export function toHomoglyphs(text: string): string {
  return text.replace(/[A-Za-z]/g, (ch) => HOMOGLYPHS[ch] ?? ch);
}

/** Maps the look-alikes {@link toHomoglyphs} produces back to Latin. */
export function fromHomoglyphs(text: string): string {
  return Array.from(text, (ch) => REVERSE[ch] ?? ch).join('');
}
