/**
 * The reversible disguises the leak detector sees through, defined once: the attack converters disguise a payload
 * with these same tables (attacks/converters/), and detect-leak.ts undoes them. Living here, below both, they
 * let the detector stay free of attacks/ and metrics/ (which both use it).
 */

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

/** Maps the look-alikes of {@link HOMOGLYPHS} back to Latin. */
export function fromHomoglyphs(text: string): string {
  return Array.from(text, (ch) => REVERSE[ch] ?? ch).join('');
}

/**
 * What a leetspeak character can stand for, folded to one letter so that text and its leetspeak form compare
 * equal once both are folded (`1`, `l`, `|` and `!` all become `i`). Leetspeak is lossy (1 stands for both i
 * and l in the wild), so there is no decoder: the detector folds both sides instead.
 */
export const LEET_FOLD: Readonly<Record<string, string>> = {
  '4': 'a', '@': 'a', '8': 'b', '3': 'e', '9': 'g', '6': 'g', '1': 'i', '!': 'i', '|': 'i', l: 'i',
  '0': 'o', '5': 's', $: 's', '7': 't', '+': 't', '2': 'z',
};

/** ROT13 over ASCII letters; everything else is kept. Applying it twice gives the input back. */
export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + 13) % 26) + base);
  });
}
