/**
 * A fake OpenAI API on 127.0.0.1: chat completions (JSON and SSE streaming), embeddings and the model list,
 * faithful enough for the official `openai` SDK. Point the SDK at `${server.url}/v1`. A request that forces a
 * function call (`tool_choice: { type: function, function: { name } }`) is answered with that call, its
 * `arguments` being the behaviour's answer text as is — so a test scripts a judge's JSON, or garbage. A request
 * with `tools` answers `call <name> <arguments>` lines of its answer with tool calls (tool-script.ts). The
 * Responses API (`POST /v1/responses`) is in ./openai-responses.ts, image generation (`POST
 * /v1/images/generations`) in ./openai-images.ts; files and fine-tuning jobs in
 * ./openai-finetune.ts (chat answers any model, a fine-tuned `ft:…` one too: script it with `answerByModel`).
 */
import {
  countTokens,
  embedText,
  sendBrokenJson,
  sendJson,
  sendStream,
  splitForStream,
  startFakeServer,
  startStream,
  textOf,
  truncateWords,
} from './harness.js';
import type { FakeApi, FakeBehaviour, FakeContext, FakeServer } from './harness.js';
import { fineTuneRoutes, matchFineTuneRoute } from './openai-finetune.js';
import { imageGenerations } from './openai-images.js';
import { responses } from './openai-responses.js';
import { declaredNames, scriptedCalls } from './tool-script.js';

export type { FakeBehaviour, FakeFailure, FakeServer, RecordedRequest } from './harness.js';
export { fakeFineTuning } from './openai-finetune.js';
export type { FakeJob, FineTuneFake, FineTuneOutcome, FineTuneScript, UploadedFile } from './openai-finetune.js';

/** Ids listed by GET /v1/models. */
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];
let sequence = 0;

/** Starts a fake OpenAI server. */
export function startFakeOpenAI(options: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  return startFakeServer(openaiApi, options);
}

/** The routes and error shapes of the fake OpenAI API; the fake Azure server (./azure.ts) reuses them. */
export const openaiApi: FakeApi = {
  routes: {
    'POST /v1/chat/completions': chatCompletions,
    'POST /v1/embeddings': embeddings,
    'POST /v1/completions': completions,
    'POST /v1/responses': (context) => responses(context, openaiApi.sendError),
    'POST /v1/images/generations': (context) => imageGenerations(context, openaiApi.sendError),
    'GET /v1/models': ({ res }) =>
      sendJson(res, 200, {
        object: 'list',
        data: MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'llmlab-fake' })),
      }),
    ...fineTuneRoutes((res, status, message, headers) => openaiApi.sendError(res, status, message, headers)),
  },
  matchRoute: (method, path) => matchFineTuneRoute(method, path, openaiApi.sendError),
  sendError(res, status, message, headers) {
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    sendJson(res, status, { error: { message, type, param: null, code: null } }, headers);
  },
  sendMalformed({ res, body }) {
    if (body?.stream === true) {
      startStream(res, 'text/event-stream');
      res.end('data: {"id": not json\n\n');
    } else sendBrokenJson(res);
  },
};

function chatCompletions(context: FakeContext): void {
  const { res, body, behaviour } = context;
  if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    openaiApi.sendError(res, 400, 'model and messages are required');
    return;
  }
  const { text, truncated } = truncateWords(behaviour.answer(body), body.max_tokens ?? body.max_completion_tokens);
  const promptTokens = body.messages.reduce((n: number, m: { content?: unknown }) => n + countTokens(textOf(m.content)), 0);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: countTokens(text),
    total_tokens: promptTokens + countTokens(text),
    prompt_tokens_details: { cached_tokens: 0 },
  };
  const finishReason = truncated ? 'length' : 'stop';
  const id = `chatcmpl-fake${++sequence}`;
  const created = Math.floor(Date.now() / 1000);
  const calls = body.tool_choice === 'none' ? [] : scriptedCalls(text, declaredNames(body.tools));
  const forced = forcedFunction(body);
  if (forced !== undefined && calls.length === 0 && body.stream !== true) {
    const call = { id: `call_fake${sequence}`, type: 'function', function: { name: forced, arguments: text } };
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call], refusal: null }, logprobs: null, finish_reason: 'tool_calls' }],
      usage,
      system_fingerprint: 'fp_fake',
    });
    return;
  }
  if (calls.length > 0) {
    const toolCalls = calls.map((call, index) => ({ id: `call_fake${sequence}_${index}`, type: 'function', function: call }));
    if (body.stream === true) {
      sendStream(context, 'text/event-stream', toolCallFrames({ id, created, model: body.model }, toolCalls));
      return;
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: toolCalls, refusal: null }, logprobs: null, finish_reason: 'tool_calls' }],
      usage,
      system_fingerprint: 'fp_fake',
    });
    return;
  }
  if (body.stream === true) {
    const frames = streamFrames({ id, created, model: body.model, text, finishReason }, body.stream_options?.include_usage ? usage : undefined);
    sendStream(context, 'text/event-stream', frames);
    return;
  }
  sendJson(res, 200, {
    id,
    object: 'chat.completion',
    created,
    model: body.model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: chatLogprobs(body, text, behaviour), finish_reason: finishReason },
    ],
    usage,
    system_fingerprint: 'fp_fake',
  });
}

/**
 * `logprobs: true` on a chat request: one entry per whitespace-separated token of the answer, each with
 * `tokenLogprob` (default −1), as the real API shapes `choices[0].logprobs`; null when not asked, as the API does.
 */
function chatLogprobs(body: any, text: string, behaviour: FakeContext['behaviour']): object | null {
  if (body.logprobs !== true) return null;
  const content: object[] = [];
  for (const match of text.matchAll(/\S+\s*/g)) {
    const token = match[0];
    const logprob = behaviour.tokenLogprob?.(token, match.index, text) ?? -1;
    content.push({ token, logprob, bytes: [...Buffer.from(token)], top_logprobs: [] });
  }
  return { content, refusal: null };
}

/** The function a request forces the model to call, when it declares it among its tools. */
function forcedFunction(body: any): string | undefined {
  const name = body.tool_choice?.function?.name;
  if (typeof name !== 'string' || !Array.isArray(body.tools)) return undefined;
  return body.tools.some((tool: any) => tool?.function?.name === name) ? name : undefined;
}

interface StreamedAnswer {
  id: string;
  created: number;
  model: string;
  text: string;
  finishReason: string;
}

function streamFrames(answer: StreamedAnswer, usage: object | undefined): string[] {
  const base = { id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model };
  // With include_usage, every chunk but the last carries `usage: null`, as the real API does.
  const frame = (choices: unknown[]) => `data: ${JSON.stringify({ ...base, choices, ...(usage ? { usage: null } : {}) })}\n\n`;
  const frames = [frame([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])];
  for (const piece of splitForStream(answer.text)) {
    frames.push(frame([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
  }
  frames.push(frame([{ index: 0, delta: {}, logprobs: null, finish_reason: answer.finishReason }]));
  if (usage) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
  frames.push('data: [DONE]\n\n');
  return frames;
}

/** A streamed answer that only calls tools: each call's name first, then its arguments in pieces, by index. */
function toolCallFrames(base: { id: string; created: number; model: string }, calls: Array<{ id: string; function: { name: string; arguments: string } }>): string[] {
  const frame = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const frames = [frame({ role: 'assistant', content: null }, null)];
  for (const [index, call] of calls.entries()) {
    frames.push(frame({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, null));
    for (const piece of splitForStream(call.function.arguments)) frames.push(frame({ tool_calls: [{ index, function: { arguments: piece } }] }, null));
  }
  frames.push(frame({}, 'tool_calls'), 'data: [DONE]\n\n');
  return frames;
}

function embeddings({ res, body }: FakeContext): void {
  const inputs: unknown[] = Array.isArray(body?.input) ? body.input : [body?.input];
  if (typeof body?.model !== 'string' || inputs.some((input) => typeof input !== 'string')) {
    openaiApi.sendError(res, 400, 'model and a string or string[] input are required');
    return;
  }
  const base64 = body.encoding_format === 'base64';
  let tokens = 0;
  const data = (inputs as string[]).map((input, index) => {
    tokens += countTokens(input);
    const vector = embedText(input);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  sendJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/**
 * Legacy completions. With `echo: true` and `logprobs`, each prompt comes back with its tokens (the
 * whitespace-led pieces of the text), their offsets and `behaviour.tokenLogprob` of each, plus one generated
 * token, as vLLM and the old OpenAI completions models answer.
 */
function completions({ res, body, behaviour }: FakeContext): void {
  const prompts: unknown[] = Array.isArray(body?.prompt) ? body.prompt : [body?.prompt];
  if (typeof body?.model !== 'string' || prompts.some((p) => typeof p !== 'string')) {
    openaiApi.sendError(res, 400, 'model and a string or string[] prompt are required');
    return;
  }
  let promptTokens = 0;
  const choices = (prompts as string[]).map((prompt, index) => {
    const generated = behaviour.answer({ ...body, messages: [{ role: 'user', content: prompt }] });
    if (!body.echo) return { index, text: generated, logprobs: null, finish_reason: 'stop' };
    const pieces = prompt.match(/\s*\S+|\s+/g) ?? [];
    const tokens: string[] = [];
    const offsets: number[] = [];
    let offset = 0;
    for (const piece of pieces) {
      tokens.push(piece);
      offsets.push(offset);
      offset += [...piece].length; // code points, as Python servers count string indices
    }
    promptTokens += tokens.length;
    const logprob = (token: string, at: number) => behaviour.tokenLogprob?.(token, at, prompt) ?? -1;
    const values: Array<number | null> = tokens.map((t, i) => (i === 0 ? null : logprob(t, offsets[i]!)));
    tokens.push(' x');
    offsets.push(offset);
    values.push(-0.1);
    const top = tokens.map((t, i) => (i === 0 ? null : { [t]: values[i] }));
    return { index, text: prompt + ' x', logprobs: { tokens, token_logprobs: values, text_offset: offsets, top_logprobs: top }, finish_reason: 'length' };
  });
  sendJson(res, 200, {
    id: `cmpl-fake${++sequence}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices,
    usage: { prompt_tokens: promptTokens, completion_tokens: prompts.length, total_tokens: promptTokens + prompts.length },
  });
}
