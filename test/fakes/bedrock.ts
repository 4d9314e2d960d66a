/**
 * A fake Amazon Bedrock Runtime Converse API on 127.0.0.1 (`POST /model/{modelId}/converse`, JSON), faithful
 * enough for `@aws-sdk/client-bedrock-runtime`. Point the client's `endpoint` at `server.url`. Requests must be
 * signed: any SigV4 `Authorization` header is accepted (the signature is not checked) and the access key id in
 * its credential scope stands for the key (`apiKey`); a Bedrock API key (`Bearer`) works too. Errors carry the
 * exception name in `x-amzn-errortype`, as the real service sends them.
 *
 * Tools: a request forcing a tool (`toolChoice: { tool: { name } }`) gets a toolUse block whose input is the
 * behaviour's answer parsed as a JSON object. When the request declares tools and the answer is a JSON list of
 * `{ name, input }` naming declared tools, those calls come back as toolUse blocks (stopReason tool_use).
 */
import { countTokens, sendBrokenJson, sendJson, startFakeServer, textOf, truncateWords } from './harness.js';
import type { FakeApi, FakeBehaviour, FakeContext, FakeRoute, FakeServer } from './harness.js';

export type { FakeBehaviour, FakeFailure, FakeServer, RecordedRequest } from './harness.js';

/** What a signed request's Authorization header looks like (the signature itself is not checked). */
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/;

const CONVERSE_PATH = /^\/model\/([^/]+)\/converse$/;

let sequence = 0;

/** Starts a fake Bedrock Runtime server. */
export function startFakeBedrock(options: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  return startFakeServer(bedrockApi, options);
}

const bedrockApi: FakeApi = {
  routes: {},
  matchRoute(method, path): FakeRoute | undefined {
    const match = method === 'POST' ? CONVERSE_PATH.exec(path) : null;
    return match ? (context) => converse(context, decodeURIComponent(match[1]!)) : undefined;
  },
  sendError(res, status, message, headers) {
    sendJson(res, status, { message }, { 'x-amzn-errortype': `${errorType(status)}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers });
  },
  sendMalformed({ res }) {
    sendBrokenJson(res);
  },
};

function converse(context: FakeContext, modelId: string): void {
  const { req, res, body, behaviour } = context;
  const auth = req.headers.authorization ?? '';
  if (!(SIGV4.test(auth) && typeof req.headers['x-amz-date'] === 'string') && !auth.startsWith('Bearer ')) {
    bedrockApi.sendError(res, 403, 'Missing Authentication Token');
    return;
  }
  const invalid = validationError(body);
  if (invalid) {
    bedrockApi.sendError(res, 400, invalid);
    return;
  }
  const maxTokens = typeof body.inferenceConfig?.maxTokens === 'number' ? body.inferenceConfig.maxTokens : undefined;
  const { text, truncated } = truncateWords(behaviour.answer(body), maxTokens);
  const system = Array.isArray(body.system) ? textOf(body.system) : '';
  const inputTokens = countTokens(system) + body.messages.reduce((n: number, m: { content: unknown }) => n + countTokens(textOf(m.content)), 0);
  const calls = toolCallsOf(body, text);
  const content = calls ?? [{ text }];
  const outputTokens = countTokens(text);
  sendJson(
    res,
    200,
    {
      output: { message: { role: 'assistant', content } },
      stopReason: calls ? 'tool_use' : truncated ? 'max_tokens' : 'end_turn',
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: behaviour.latencyMs },
    },
    { 'x-amzn-requestid': `fake-${++sequence}`, 'x-fake-model-id': modelId },
  );
}

/** The ValidationException message the real API would send for a malformed request, if any. */
function validationError(body: any): string | undefined {
  if (!body || typeof body !== 'object' || !Array.isArray(body.messages) || body.messages.length === 0) {
    return 'messages: must be a non-empty list';
  }
  if ('modelId' in body) return 'modelId belongs in the path, not the body';
  for (const message of body.messages) {
    if (message?.role !== 'user' && message?.role !== 'assistant') return 'messages: roles must be "user" or "assistant"; use system';
    if (!Array.isArray(message.content)) return 'messages.content: must be a list of content blocks';
  }
  if (body.system !== undefined && !Array.isArray(body.system)) return 'system: must be a list of content blocks';
  const tools = body.toolConfig?.tools;
  if (body.toolConfig !== undefined && (!Array.isArray(tools) || tools.some((tool: any) => typeof tool?.toolSpec?.name !== 'string'))) {
    return 'toolConfig.tools: every tool needs a toolSpec with a name';
  }
  return undefined;
}

/** toolUse blocks for a forced tool, or for a JSON list of calls to declared tools; undefined for a text answer. */
function toolCallsOf(body: any, text: string): object[] | undefined {
  const declared: string[] = (body.toolConfig?.tools ?? []).map((tool: any) => tool.toolSpec.name);
  if (declared.length === 0) return undefined;
  const answer = parseJson(text);
  const forced = body.toolConfig?.toolChoice?.tool?.name;
  if (typeof forced === 'string' && declared.includes(forced)) {
    return isObject(answer) ? [toolUse(forced, answer)] : undefined;
  }
  if (!Array.isArray(answer) || answer.length === 0) return undefined;
  if (!answer.every((call) => isObject(call) && declared.includes(call['name'] as string))) return undefined;
  return answer.map((call) => toolUse(call.name, call.input ?? {}));
}

function toolUse(name: string, input: unknown): object {
  return { toolUse: { toolUseId: `tooluse_fake${++sequence}`, name, input } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function errorType(status: number): string {
  if (status === 401) return 'UnrecognizedClientException';
  if (status === 403) return 'AccessDeniedException';
  if (status === 404) return 'ResourceNotFoundException';
  if (status === 408) return 'ModelTimeoutException';
  if (status === 424) return 'ModelErrorException';
  if (status === 429) return 'ThrottlingException';
  if (status === 503) return 'ServiceUnavailableException';
  if (status >= 500) return 'InternalServerException';
  return 'ValidationException';
}
