/**
 * A fake Anthropic Messages API on 127.0.0.1 (POST /v1/messages, JSON and SSE events), faithful enough for
 * `@anthropic-ai/sdk`. Point the SDK at `server.url` (no /v1). Accepts the key as `x-api-key` or Bearer. A request
 * that forces a tool (`tool_choice: { type: tool, name }`) gets a tool_use block whose input is the behaviour's
 * answer parsed as JSON; an answer that is not a JSON object comes back as a text block instead (the real API
 * only sends objects, so a model that ignores the tool is the nearest garbage). A request with `tools` answers
 * `call <name> <json object>` lines of its answer with tool_use blocks (tool-script.ts; not streamed).
 */
import {
  countTokens,
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
import { declaredNames, scriptedCalls } from './tool-script.js';

export type { FakeBehaviour, FakeFailure, FakeServer, RecordedRequest } from './harness.js';

let sequence = 0;

/** Starts a fake Anthropic server. */
export function startFakeAnthropic(options: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  return startFakeServer(anthropicApi, options);
}

const anthropicApi: FakeApi = {
  routes: { 'POST /v1/messages': messages },
  sendError(res, status, message, headers) {
    sendJson(res, status, { type: 'error', error: { type: errorType(status), message } }, headers);
  },
  sendMalformed({ res, body }) {
    if (body?.stream === true) {
      startStream(res, 'text/event-stream');
      res.end('event: message_start\ndata: {"type": not json\n\n');
    } else sendBrokenJson(res);
  },
};

function messages(context: FakeContext): void {
  const { res, body, behaviour } = context;
  if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
    anthropicApi.sendError(res, 400, 'model, messages and max_tokens are required');
    return;
  }
  if (body.messages.some((m: { role?: string }) => m.role !== 'user' && m.role !== 'assistant')) {
    anthropicApi.sendError(res, 400, 'messages: roles must be "user" or "assistant"; use the top-level system parameter');
    return;
  }
  const { text, truncated } = truncateWords(behaviour.answer(body), body.max_tokens);
  const system = typeof body.system === 'string' ? body.system : textOf(body.system);
  const inputTokens =
    countTokens(system) + body.messages.reduce((n: number, m: { content?: unknown }) => n + countTokens(textOf(m.content)), 0);
  const answer = {
    id: `msg_fake${++sequence}`,
    model: body.model,
    text,
    stopReason: truncated ? 'max_tokens' : 'end_turn',
    inputTokens,
    outputTokens: countTokens(text),
  };
  const forced = forcedTool(body);
  const input = forced === undefined ? undefined : jsonObjectOr(text);
  if (forced !== undefined && input !== undefined && body.stream !== true) {
    sendJson(res, 200, {
      id: answer.id,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: [{ type: 'tool_use', id: `toolu_fake${sequence}`, name: forced, input }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: usage(answer.inputTokens, answer.outputTokens),
    });
    return;
  }
  // Anthropic sends tool input as an object: a scripted call whose arguments are not one stays text.
  const calls = scriptedCalls(text, declaredNames(body.tools)).filter((call) => jsonObjectOr(call.arguments) !== undefined);
  if (calls.length > 0 && body.tool_choice?.type !== 'none' && body.stream !== true) {
    sendJson(res, 200, {
      id: answer.id,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: calls.map((call, i) => ({ type: 'tool_use', id: `toolu_fake${sequence}_${i}`, name: call.name, input: jsonObjectOr(call.arguments) })),
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: usage(answer.inputTokens, answer.outputTokens),
    });
    return;
  }
  if (body.stream === true) sendStream(context, 'text/event-stream', streamFrames(answer));
  else
    sendJson(res, 200, {
      id: answer.id,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: [{ type: 'text', text }],
      stop_reason: answer.stopReason,
      stop_sequence: null,
      usage: usage(answer.inputTokens, answer.outputTokens),
    });
}

/** The tool a request forces the model to use, when it declares it among its tools. */
function forcedTool(body: any): string | undefined {
  const name = body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined;
  if (typeof name !== 'string' || !Array.isArray(body.tools)) return undefined;
  return body.tools.some((tool: any) => tool?.name === name) ? name : undefined;
}

function jsonObjectOr(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

interface Answer {
  id: string;
  model: string;
  text: string;
  stopReason: string;
  inputTokens: number;
  outputTokens: number;
}

function streamFrames(answer: Answer): string[] {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const message = {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: usage(answer.inputTokens, 1),
  };
  const frames = [
    event('message_start', { message }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
  ];
  for (const piece of splitForStream(answer.text)) {
    frames.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  }
  frames.push(
    event('content_block_stop', { index: 0 }),
    event('message_delta', {
      delta: { stop_reason: answer.stopReason, stop_sequence: null },
      usage: { output_tokens: answer.outputTokens },
    }),
    event('message_stop', {}),
  );
  return frames;
}

function usage(input: number, output: number): object {
  return { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}
