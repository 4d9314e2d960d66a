/**
 * `POST /v1/responses` of the fake OpenAI server (./openai.ts), shaped as the real Responses API answers: `output`
 * items (a `message` with `output_text` parts, `function_call` items), `status` with `incomplete_details` when the
 * answer is cut at `max_output_tokens`, and usage in input/output tokens. The answer is the behaviour's answer to
 * the `input` read as chat messages; a forced function (`tool_choice: { type: function, name }`) is called with
 * that answer as its arguments, and `call <name> <arguments>` lines become calls of declared tools (tool-script.ts).
 */
import { countTokens, sendJson, textOf, truncateWords } from './harness.js';
import type { FakeContext } from './harness.js';
import { declaredNames, scriptedCalls } from './tool-script.js';

let sequence = 0;

export function responses({ res, body, behaviour }: FakeContext, sendError: (res: FakeContext['res'], status: number, message: string) => void): void {
  const input: unknown = body?.input;
  if (!body || typeof body.model !== 'string' || (typeof input !== 'string' && !Array.isArray(input))) {
    sendError(res, 400, 'model and input are required');
    return;
  }
  const messages =
    typeof input === 'string' ? [{ role: 'user', content: input }] : input.map((item: any) => ({ role: item?.role, content: textOf(item?.content) }));
  const { text, truncated } = truncateWords(behaviour.answer({ ...body, messages }), body.max_output_tokens);
  const id = `resp_fake${++sequence}`;
  const declared = declaredNames(body.tools);
  const forced = body.tool_choice?.type === 'function' && declared.includes(body.tool_choice.name) ? body.tool_choice.name : undefined;
  const scripted = body.tool_choice === 'none' ? [] : scriptedCalls(text, declared);
  const calls = scripted.length === 0 && forced !== undefined ? [{ name: forced as string, arguments: text }] : scripted;
  const output: object[] = calls.map((call, index) => ({
    type: 'function_call',
    id: `fc_fake${sequence}_${index}`,
    call_id: `call_fake${sequence}_${index}`,
    name: call.name,
    arguments: call.arguments,
    status: 'completed',
  }));
  if (calls.length === 0) {
    const wantsLogprobs = Array.isArray(body.include) && body.include.includes('message.output_text.logprobs');
    const logprobs = wantsLogprobs ? [...text.matchAll(/\S+\s*/g)].map((m) => ({ token: m[0], logprob: behaviour.tokenLogprob?.(m[0], m.index, text) ?? -1, bytes: [], top_logprobs: [] })) : undefined;
    output.push({
      type: 'message',
      id: `msg_fake${sequence}`,
      role: 'assistant',
      status: truncated ? 'incomplete' : 'completed',
      content: [{ type: 'output_text', text, annotations: [], ...(logprobs ? { logprobs } : {}) }],
    });
  }
  const inputTokens = messages.reduce((n: number, m: { content: string }) => n + countTokens(m.content), 0) + countTokens(body.instructions ?? '');
  const outputTokens = countTokens(text);
  sendJson(res, 200, {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: truncated && calls.length === 0 ? 'incomplete' : 'completed',
    incomplete_details: truncated && calls.length === 0 ? { reason: 'max_output_tokens' } : null,
    error: null,
    model: body.model,
    instructions: body.instructions ?? null,
    output,
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
  });
}
