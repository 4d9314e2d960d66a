/**
 * Characters of each word separated by `separator` (default one space); words are separated by three spaces
 * so the original word boundaries survive and {@link fromSpaced} can undo it.
 */
export function toSpaced(text: string, options: { separator?: string } = {}): string {
  const separator = options.separator ?? ' ';
  return text
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => Array.from(word).join(separator))
    .join('   ');
}

/** Inverse of {@link toSpaced} with the default separator (whitespace inside words is normalised to one space). */
export function fromSpaced(text: string): string {
  return text
    .split(/\s{2,}/)
    .map((word) => word.replace(/ /g, ''))
    .filter((word) => word.length > 0)
    .join(' ');
}
