/** Invisible characters that keyword filters and tokenizers see but readers do not. */
export const ZERO_WIDTH_CHARS = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'] as const;

const ZERO_WIDTH_RE = /[\u200B-\u200D\u2060\uFEFF]/g;

/**
 * Puts `char` (default U+200B ZERO WIDTH SPACE) between adjacent non-space characters, so the text reads the
 * same but no longer contains the words a filter looks for.
 */
export function smuggleZeroWidth(text: string, options: { char?: string } = {}): string {
  const char = options.char ?? '\u200B';
  const chars = Array.from(text);
  return chars.map((ch, i) => (i > 0 && !/\s/.test(ch) && !/\s/.test(chars[i - 1]!) ? char + ch : ch)).join('');
}

/** Removes every zero-width character. */
export function stripZeroWidth(text: string): string {
  return text.replace(ZERO_WIDTH_RE, '');
}
