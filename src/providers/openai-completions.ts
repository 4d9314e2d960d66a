/**
 * The legacy completions API (`/v1/completions`) for `openai:<model>` with `config: { api: completions }`: plain
 * text generation for base models, and true loglikelihoods for the multiple-choice loglikelihood protocol. As in
 * lm-evaluation-harness's `openai-completions`/`local-completions`, each choice is sent as prompt + continuation
 * with `echo: true, logprobs: 1, max_tokens: 1`; the continuation's log-probability is the sum over the echoed
 * tokens that start at or after the end of the prompt (by `text_offset`, in code points as the servers count
 * them, so no local tokenizer is needed), and it
 * is greedy when each of those tokens was the model's top choice. All choices go in one request (prompt array).
 * The chat API cannot do this: it returns log-probabilities only for tokens the model generates.
 */
import type OpenAI from 'openai';
import type { ContinuationScores, GenerateResult, TokenUsage } from '../types.js';
import { asRecord, malformedError } from './sdk-errors.js';

const API = 'OpenAI';

/** Generates text from the rendered prompt string. */
export async function complete(
  client: OpenAI,
  body: Record<string, unknown>,
  prompt: string,
  signal: AbortSignal,
): Promise<GenerateResult> {
  const response: unknown = await client.completions.create({ ...body, prompt, stream: false } as never, { signal });
  const record = asRecord(response);
  const choice = asRecord(Array.isArray(record?.['choices']) ? record['choices'][0] : undefined);
  if (!record || typeof choice?.['text'] !== 'string') throw malformedError(API, 'expected a completion with choices[0].text');
  return {
    output: choice['text'],
    ...usageOf(record['usage']),
    ...(typeof choice['finish_reason'] === 'string' ? { finishReason: choice['finish_reason'] } : {}),
    ...(typeof record['model'] === 'string' ? { model: record['model'] } : {}),
  };
}

/** Scores each continuation of `prompt`; the output is ContinuationScores as JSON. */
export async function scoreContinuations(
  client: OpenAI,
  model: string,
  prompt: string,
  continuations: string[],
  signal: AbortSignal,
): Promise<GenerateResult> {
  const response: unknown = await client.completions.create(
    { model, prompt: continuations.map((c) => prompt + c), echo: true, logprobs: 1, max_tokens: 1, temperature: 0 },
    { signal },
  );
  const record = asRecord(response);
  const choices = Array.isArray(record?.['choices']) ? record['choices'] : [];
  if (choices.length !== continuations.length) {
    throw malformedError(API, `expected ${continuations.length} choices with echoed logprobs, got ${choices.length}`);
  }
  const scores: ContinuationScores['scores'] = new Array(continuations.length);
  // text_offset counts Python string indices (code points), not UTF-16 units: an emoji is 1, not 2.
  const start = [...prompt].length;
  choices.forEach((item, position) => {
    const choice = asRecord(item);
    const index = typeof choice?.['index'] === 'number' ? choice['index'] : position;
    scores[index] = scoreOf(asRecord(choice?.['logprobs']), start, start + [...(continuations[index] ?? '')].length);
  });
  const result: ContinuationScores = { scores };
  return { output: JSON.stringify(result), ...usageOf(record?.['usage']), finishReason: 'stop' };
}

/** Sum of the log-probabilities of the tokens in [start, end) of the echoed text; greedy when each was the top token. */
function scoreOf(logprobs: Record<string, unknown> | undefined, start: number, end: number): ContinuationScores['scores'][number] {
  const tokens = logprobs?.['tokens'];
  const values = logprobs?.['token_logprobs'];
  const offsets = logprobs?.['text_offset'];
  const top = logprobs?.['top_logprobs'];
  if (!Array.isArray(tokens) || !Array.isArray(values) || !Array.isArray(offsets)) {
    throw malformedError(API, 'the completion has no echoed logprobs (tokens, token_logprobs, text_offset): does the server support echo with logprobs?');
  }
  let logprob = 0;
  let count = 0;
  let greedy = true;
  for (let i = 0; i < tokens.length; i++) {
    const offset = offsets[i];
    if (typeof offset !== 'number' || offset < start || offset >= end) continue;
    const value = values[i];
    if (typeof value !== 'number') throw malformedError(API, `token ${i} of a continuation has no logprob`);
    logprob += value;
    count++;
    const alternatives = asRecord(Array.isArray(top) ? top[i] : undefined);
    if (alternatives) {
      const best = Object.entries(alternatives).reduce((a, b) => (Number(b[1]) > Number(a[1]) ? b : a));
      if (best[0] !== tokens[i]) greedy = false;
    }
  }
  if (count === 0) throw malformedError(API, 'no echoed token falls inside a continuation');
  return { logprob, greedy, tokens: count };
}

function usageOf(raw: unknown): { usage?: TokenUsage } {
  const usage = asRecord(raw);
  if (!usage) return {};
  const input = typeof usage['prompt_tokens'] === 'number' ? usage['prompt_tokens'] : 0;
  const output = typeof usage['completion_tokens'] === 'number' ? usage['completion_tokens'] : 0;
  return { usage: { input, output, total: input + output } };
}
