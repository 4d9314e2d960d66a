/**
 * What a translated suite (a promptfoo config) tells the user, and the run options it carries: eval, plan and
 * watch print the notices once per load, before anything runs, and command-line flags win over the options.
 */
import type { ResolvedSuite } from '../config/types.js';
import { formatLocation } from '../errors.js';
import type { CliIo } from './io.js';

/** `note: promptfooconfig.yaml:12: …` lines on stderr, paths relative to the working directory. */
export function printNotices(suite: ResolvedSuite, io: CliIo): void {
  for (const notice of suite.notices ?? []) io.stderr.write(`note: ${formatLocation(notice.where, io.cwd)}: ${notice.text}\n`);
}
