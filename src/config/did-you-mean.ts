/**
 * "Did you mean …?" suggestions for mistyped keys, provider types and assertion types, by Levenshtein distance
 * (counted in UTF-16 code units, as the names' lengths are).
 */
import { levenshtein } from '../text/levenshtein.js';

/**
 * The candidate closest to `word`, when it is close enough to be a plausible typo: at most a third of the
 * longer name's length in edits (at least one), compared case-insensitively. Ties go to the earlier candidate.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(lower, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Formats names as "`a`, `b` or `c`". */
export function listNames(names: readonly string[], conjunction = 'or'): string {
  const quoted = names.map((name) => `\`${name}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted.at(-1)}`;
}

/** A hint for an unknown name: "did you mean `x`?" when one is close, else the list of what is allowed. */
export function suggestionHint(word: string, candidates: readonly string[], noun = 'allowed'): string {
  const guess = didYouMean(word, candidates);
  if (guess !== undefined) return `did you mean \`${guess}\`?`;
  return `${noun}: ${candidates.map((name) => `\`${name}\``).join(', ')}`;
}
