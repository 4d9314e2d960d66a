/**
 * Digit look-alikes for letters. Lossy on purpose (1 stands for both i and l in the wild), so there is no
 * decoder here; leak detection folds both sides with {@link LEET_FOLD} instead.
 */
export const LEET_MAP: Readonly<Record<string, string>> = { a: '4', b: '8', e: '3', g: '9', i: '1', o: '0', s: '5', t: '7' };

/**
 * What a leetspeak character can stand for, folded to one letter so that text and its leetspeak form compare
 * equal once both are folded (`1`, `l`, `|` and `!` all become `i`).
 */
export const LEET_FOLD: Readonly<Record<string, string>> = {
  '4': 'a', '@': 'a', '8': 'b', '3': 'e', '9': 'g', '6': 'g', '1': 'i', '!': 'i', '|': 'i', l: 'i',
  '0': 'o', '5': 's', $: 's', '7': 't', '+': 't', '2': 'z',
};

/** Replaces mapped letters (either case) by their digit; other characters are kept. */
export function toLeetspeak(text: string): string {
  return text.replace(/[a-z]/gi, (ch) => LEET_MAP[ch.toLowerCase()] ?? ch);
}
