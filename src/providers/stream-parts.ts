/**
 * What every provider's `stream` shares (the contract is Provider.stream in src/types/model-call.ts): draining a
 * stream into the result `generate` returns, so a provider's streamed `generate` and its `stream` run one parser;
 * and a stream made of an answer that is already whole, for requests that are never streamed (a judge's verdict,
 * loglikelihood scoring) and for the offline providers.
 */
import { ProviderError } from '../errors.js';
import type { GenerateResult, StreamPart } from '../types.js';

/** Reads a stream to its end and returns the `done` part's result; the deltas are only the same text in pieces. */
export async function finalResult(parts: AsyncIterable<StreamPart>): Promise<GenerateResult> {
  let result: GenerateResult | undefined;
  for await (const part of parts) {
    if (part.type === 'done') result = part.result;
  }
  // The streams of src/providers/ end with `done` or throw; a plugin's stream might not, and that answer is not whole.
  if (!result) throw new ProviderError('the stream ended without its final part', { retryable: false });
  return result;
}

/**
 * A whole answer as a stream: its text in word-sized deltas (a word with the spaces after it), then `done`.
 * Empty text yields no delta, as a real stream of an answer without text (only tool calls) does.
 */
export async function* wholeAnswer(result: GenerateResult): AsyncGenerator<StreamPart> {
  for (const text of result.output.match(/\S+\s*|\s+/g) ?? []) yield { type: 'delta', text };
  yield { type: 'done', result };
}
