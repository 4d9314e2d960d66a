/**
 * Digit look-alikes for letters. Lossy on purpose (1 stands for both i and l in the wild), so there is no
 * decoder here; leak detection folds both sides with `LEET_FOLD` (detectors/disguises.ts) instead.
 */
export const LEET_MAP: Readonly<Record<string, string>> = { a: '4', b: '8', e: '3', g: '9', i: '1', o: '0', s: '5', t: '7' };

/** Replaces mapped letters (either case) by their digit; other characters are kept. */
export function toLeetspeak(text: string): string {
  return text.replace(/[a-z]/gi, (ch) => LEET_MAP[ch.toLowerCase()] ?? ch);
}
