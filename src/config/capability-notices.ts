/**
 * What a suite asks of its providers that some of them cannot give, said when it loads rather than found at
 * grading: an assertion that needs the output's token log-probabilities (`perplexity`) on a provider that does not
 * return them would be an error in every cell. A notice, not an error: a `file:` or OpenAI-compatible server may
 * return them without llmlab knowing.
 */
import type { SourceLocation } from '../errors.js';
import { isProviderType, loadProviderPlugin } from '../providers/index.js';
import type { TestCase } from '../types.js';
import type { ResolvedProvider } from './types.js';
import type { PathSegment } from './yaml-source.js';

export async function capabilityNotices(
  providers: readonly ResolvedProvider[],
  tests: readonly TestCase[],
  locate: (path: PathSegment[]) => SourceLocation,
): Promise<Array<{ where: SourceLocation; text: string }>> {
  const needing = [...new Set(tests.flatMap((t) => t.assert.filter((a) => a.needs?.logprobs).map((a) => a.type)))];
  if (needing.length === 0) return [];
  const notices: Array<{ where: SourceLocation; text: string }> = [];
  for (const [i, provider] of providers.entries()) {
    const plugin = isProviderType(provider.type) ? await loadProviderPlugin(provider.type) : undefined;
    if (plugin?.logprobs) continue;
    notices.push({
      where: locate(['providers', i]),
      text: `${needing.map((t) => `\`${t}\``).join(' and ')} needs the output's token log-probabilities, which \`${provider.id}\` is not known to return: without them those assertions are errors on its cells`,
    });
  }
  return notices;
}
