/**
 * Token log-probabilities out of an API answer, for `GenerateResult.logprobs` (the `perplexity` metrics). OpenAI
 * chat puts them in `choices[0].logprobs.content`, Ollama in the answer's `logprobs`: both a list of
 * `{ token, logprob, … }`. Anything else (absent, null, a malformed entry) gives undefined, so the metric that
 * asked reports "no log-probabilities" instead of scoring a partial list.
 */

/** The `logprob` of each entry of `list`, or undefined when it is not a list of such entries. */
export function tokenLogprobsOf(list: unknown): number[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const values: number[] = [];
  for (const entry of list) {
    const logprob = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['logprob'] : undefined;
    if (typeof logprob !== 'number' || !Number.isFinite(logprob)) return undefined;
    values.push(logprob);
  }
  return values;
}

/** OpenAI chat: `choice.logprobs.content`. */
export function openaiChatLogprobs(choiceLogprobs: unknown): number[] | undefined {
  const content = typeof choiceLogprobs === 'object' && choiceLogprobs !== null ? (choiceLogprobs as Record<string, unknown>)['content'] : undefined;
  return tokenLogprobsOf(content);
}
