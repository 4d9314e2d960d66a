/**
 * The loglikelihood protocol needs token log-probabilities of given text, which most chat APIs do not return.
 * A provider that cannot score continuations is a config error before the first call — never a wrong number.
 */
import type { ResolvedSuite } from '../config/types.js';
import { LlmlabError } from '../errors.js';
import type { Provider } from '../types.js';

/** Throws CONFIG_INVALID naming every provider that cannot score the suite's loglikelihood tests. */
export function checkLoglikelihood(suite: ResolvedSuite, providers: ReadonlyMap<string, Provider>): void {
  if (!suite.tests.some((test) => test.continuations !== undefined)) return;
  const unable = [...providers].filter(([, provider]) => provider.scoresContinuations !== true).map(([label]) => label);
  if (unable.length === 0) return;
  throw new LlmlabError(
    'CONFIG_INVALID',
    `the loglikelihood protocol needs log-probabilities of given text, which ${unable.join(', ')} cannot provide`,
    {
      where: { file: suite.path },
      hint:
        'use an OpenAI-compatible completions endpoint that echoes prompt logprobs (`config: { api: completions }`, ' +
        'e.g. vLLM, llama.cpp server, davinci-002), or `protocol: generate`; chat APIs (OpenAI chat, Anthropic, ' +
        'Ollama) return logprobs only for tokens they generate, not for a given answer',
    },
  );
}
