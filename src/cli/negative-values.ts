/**
 * `-j -4` as the user meant it. cac (mri underneath) reads a `-4` after a flag as a new short flag, so the
 * user would see "Unknown option `-4`" instead of what is wrong with the value. Joining a negative number to
 * the flag that takes it (`--concurrency=-4`) lets the command's own check say "must be a positive integer".
 */

/** Flags that take a number, by every spelling; the value is the long name cac knows. */
const NUMERIC_FLAGS: Readonly<Record<string, string>> = {
  '-j': '--concurrency',
  '--concurrency': '--concurrency',
  '--repeat': '--repeat',
  '-n': '--limit',
  '--limit': '--limit',
  '--budget-usd': '--budget-usd',
};

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/** `argv` with each numeric flag followed by a negative number written as one `--flag=value` token. */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // After `--`, everything is an argument.
    if (arg === '--') return [...out, ...argv.slice(i)];
    const long = Object.hasOwn(NUMERIC_FLAGS, arg) ? NUMERIC_FLAGS[arg] : undefined;
    const next = argv[i + 1];
    if (long && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${long}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
