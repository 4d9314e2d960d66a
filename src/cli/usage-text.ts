/**
 * Where cac's own texts read wrong, put right: the help of negated flags and the names in unknown-option errors.
 * Kept apart from main.ts, which only wires commands.
 */
import { didYouMean } from '../config/did-you-mean.js';

/** A section of cac's help output, as its help callback gets them. */
export interface HelpSection {
  title?: string;
  body: string;
}

/**
 * cac prints `--no-cache  Do not read cached answers (default: true)`: the default is that of `cache`, not of the
 * flag, and reads as if skipping the cache were the default. A negated flag's line loses it; every line loses
 * cac's trailing blank.
 */
export function tidyHelp(sections: HelpSection[]): HelpSection[] {
  return sections.map((section) => ({
    ...section,
    body: section.body
      .split('\n')
      .map((line) => (/^\s+--no-/.test(line) ? line.replace(/\s*\(default: true\)\s*$/, '') : line).trimEnd())
      .join('\n'),
  }));
}

/**
 * cac names an unknown option camelCased (`--filterPattern`); the user typed `--filter-pattern`. Returns the
 * message with the option as it appears in `argv`, when it does.
 */
export function unknownOptionAsTyped(message: string, argv: readonly string[]): string {
  const match = /^Unknown option `(-{1,2})([^`]+)`/.exec(message);
  if (!match) return message;
  const name = match[2]!;
  const typed = argv.find((arg) => {
    if (!arg.startsWith('-') || arg === '--') return false;
    const written = arg.replace(/^-+/, '').split('=')[0]!;
    // `--no-x` reaches cac as `x`.
    return [written, written.replace(/^no-/, '')].some((w) => camelCase(w) === name);
  });
  return typed === undefined ? message : message.replace(`\`${match[1]}${name}\``, `\`${typed.split('=')[0]}\``);
}

/** As cac does it: only a dash between two lower-case letters goes. */
function camelCase(name: string): string {
  return name.replaceAll(/([a-z])-([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase());
}

/**
 * The hint under an unknown option: the command's closest option when one is a likely typo, else where the
 * command's options are listed.
 */
export function unknownOptionHint(message: string, command: { name: string; options: Array<{ rawName: string }> } | undefined): string {
  const help = command && command.name !== '' ? `llmlab ${command.name} --help` : 'llmlab --help';
  const typed = /^Unknown option `([^`]+)`/.exec(message)?.[1];
  if (!typed || !command) return `run \`${help}\``;
  const names = command.options.flatMap((o) => o.rawName.split(/[ ,]+/).filter((part) => part.startsWith('-')));
  const guess = didYouMean(typed, names);
  return guess ? `did you mean \`${guess}\`? (\`${help}\` lists the options)` : `run \`${help}\` for the options`;
}
