/** `llmlab redteam`: a suite reduced to its attacks — the target alone, no ordinary tests. */
import { LlmlabError } from '../errors.js';
import { suiteHash } from './suite-hash.js';
import type { ResolvedSuite } from './types.js';

/** The suite with only its attack tests and the target provider; USAGE when it declares no attacks. */
export function onlyAttacks(suite: ResolvedSuite): ResolvedSuite {
  const security = suite.security;
  if (!security) {
    // The CLI prints `where` before the message, so the message does not name the file again.
    throw new LlmlabError('USAGE', 'the suite declares no attacks (it has no `target` and `attacks`)', {
      where: { file: suite.path },
      hint: 'add `target: { provider, system }` and `attacks: [{ type: prompt-injection }, …]` to the suite, or run it with `llmlab eval`',
    });
  }
  const providers = suite.providers.filter((p) => p.label === security.target);
  return {
    ...suite,
    providers,
    tests: [],
    security: { ...security, targetOnly: true },
    hash: suiteHash({ providers, prompts: [], tests: security.tests, repeat: suite.repeat }),
  };
}
