/**
 * The `answer-letter` transform: which choice letter (A–J) a multiple-choice answer names.
 *
 * lm-evaluation-harness's generative multiple-choice tasks (`mmlu/generative`, `arc_challenge_chat`) keep the
 * first line of the answer, strip it, and compare it with the gold letter ignoring case and ASCII punctuation:
 * "B", " B", "B.", "**B**", "(B)" and "b" are B; "B. 20%", "answer: b" and "Option B" are wrong. llmlab reads
 * every answer lm-eval reads as a letter the same way, and also the answers a model gives when it follows the
 * few-shot examples loosely. In order, the first rule that finds a letter wins:
 *
 * 1. **whole**: the first non-blank line, without ASCII punctuation and whitespace, is one letter (any case).
 * 2. **prefix**: the line starts with "answer", "option" or "choice" (optionally "the", "correct", "best",
 *    "final" before, "is" and ":" after), then the letter: "answer: b", "Option B", "The answer is (C)".
 * 3. **explicit, anywhere**: the last "Answer: X" / "answer is X" in the whole output (a model that reasons
 *    first, or "(A) is wrong. Answer: C").
 * 4. **lead**: the line starts with the letter followed by `.`, `)`, `:` or `]`, or by a spaced dash or colon:
 *    "B. 20%", "(B) 20%", "**B**: twenty".
 *
 * A lowercase letter counts only where it cannot be an English word ("answer: b", "b.", not "answer is a bit").
 * The result is the letter in uppercase.
 */

const LETTER = 'A-J';
const PUNCTUATION_OR_SPACE = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~\s]/g;
const OPEN = String.raw`[\s*_\x60(\[]*`;
const CLOSE = String.raw`[\s*_\x60)\]]*`;
/** A letter that is not the start of a word: uppercase before a non-letter, or lowercase before punctuation/end. */
const CHOICE = String.raw`(?:([${LETTER}])(?![\p{L}\p{N}])|([a-j])(?=${CLOSE}(?:[.,;:!?)\]]|$)))`;

/** Case-insensitive words before the letter; the letter itself is read case-sensitively by CHOICE. */
const PREFIX = new RegExp(
  String.raw`^${OPEN}(?:the\s+)?(?:(?:correct|best|final|right)\s+)?(?:answer|option|choice)(?:\s+is)?${OPEN}[:：\-–—]?${OPEN}`,
  'iu',
);
const EXPLICIT = new RegExp(String.raw`\banswer(?:\s+is)?\s*[:：]?${OPEN}`, 'giu');
const CHOICE_HERE = new RegExp(`^${CHOICE}`, 'u');
const LEAD = new RegExp(String.raw`^${OPEN}([${LETTER}])${CLOSE}(?:[.:)\]]|\s[-–—:])`, 'iu');

/** The letter the answer names, uppercase, or undefined when none of the rules finds one. */
export function answerLetter(output: string): string | undefined {
  const line = firstLine(output);
  const whole = line.replace(PUNCTUATION_OR_SPACE, '');
  if (/^[a-j]$/i.test(whole)) return whole.toUpperCase();
  const prefix = PREFIX.exec(line);
  const prefixed = prefix ? choiceAt(line, prefix[0].length) : undefined;
  if (prefixed) return prefixed;
  let explicit: string | undefined;
  for (const match of output.matchAll(EXPLICIT)) explicit = choiceAt(output, match.index + match[0].length) ?? explicit;
  return explicit ?? LEAD.exec(line)?.[1]!.toUpperCase();
}

function choiceAt(text: string, index: number): string | undefined {
  const match = CHOICE_HERE.exec(text.slice(index));
  return match ? (match[1] ?? match[2])!.toUpperCase() : undefined;
}

function firstLine(output: string): string {
  const text = output.trimStart();
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).trim();
}
