/**
 * `webhook`: a service of yours decides — promptfoo's `webhook`. Each graded output is POSTed as JSON
 * `{ output, context: { prompt, vars } }` to the URL in `value`; the service answers `{ pass, score?, reason? }`.
 * Only those fields go out: no API key, no environment, no provider config. A timeout (5 s unless `timeoutMs`
 * says otherwise), a status outside 2xx, or an answer that is not such JSON makes the assertion an error with
 * the reason (the cell is `error`, not a failure), because the verdict is unknown.
 * Differs from promptfoo: promptfoo retries the call and reports a broken webhook as a plain failure; llmlab asks
 * once per output and reports it as an error. A missing `pass` is an error here (promptfoo treats it as a pass).
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { MetricScore } from '../types.js';

type WebhookValue = string | { url: string; timeoutMs?: number };

interface Prepared {
  url: string;
  timeoutMs: number;
}

/** How long a webhook may take to answer, as promptfoo's WEBHOOK_TIMEOUT default. */
export const WEBHOOK_TIMEOUT_MS = 5000;
/** Largest answer read: a verdict is a few hundred bytes. */
const MAX_ANSWER_BYTES = 1 << 20;
const HINT = 'e.g. { type: webhook, value: "http://localhost:8080/grade" } or value: { url: ..., timeoutMs: 10000 }';

function prepare(value: WebhookValue | undefined): Prepared {
  const url = typeof value === 'object' && value !== null ? value.url : value;
  const timeoutMs = (typeof value === 'object' && value !== null ? value.timeoutMs : undefined) ?? WEBHOOK_TIMEOUT_MS;
  if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url)) {
    throw new LlmlabError('CONFIG_INVALID', `webhook needs an http(s) URL as its \`value\`, not ${JSON.stringify(url ?? null)}`, { hint: HINT });
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new LlmlabError('CONFIG_INVALID', `webhook timeoutMs must be a positive integer number of ms, not ${String(timeoutMs)}`, { hint: HINT });
  }
  return { url, timeoutMs };
}

async function call(prepared: Prepared, body: string): Promise<unknown> {
  const { url, timeoutMs } = prepared;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const why = timedOut ? `no answer within ${timeoutMs} ms` : causeOf(error);
    throw new LlmlabError('METRIC_ERROR', `webhook ${url}: ${why}`);
  }
  const text = await readCapped(response, url);
  if (!response.ok) {
    throw new LlmlabError('METRIC_ERROR', `webhook ${url} answered HTTP ${response.status}${text ? `: ${clip(text)}` : ''}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LlmlabError('METRIC_ERROR', `webhook ${url} answered something that is not JSON: ${clip(text) || '(empty body)'}`);
  }
}

async function readCapped(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw new LlmlabError('METRIC_ERROR', `webhook ${url} answered ${declared} bytes; a verdict must be under 1 MB`);
  }
  try {
    return await response.text();
  } catch (error) {
    throw new LlmlabError('METRIC_ERROR', `webhook ${url}: the answer broke off (${causeOf(error)})`);
  }
}

function verdictOf(answer: unknown, url: string): MetricScore {
  const record = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : undefined;
  if (typeof record?.['pass'] !== 'boolean') {
    throw new LlmlabError('METRIC_ERROR', `webhook ${url} answered ${clip(JSON.stringify(answer))}; expected { "pass": true|false, "score"?: number, "reason"?: string }`);
  }
  const pass = record['pass'];
  const score = record['score'];
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score))) {
    throw new LlmlabError('METRIC_ERROR', `webhook ${url} answered a score that is not a number: ${clip(JSON.stringify(score))}`);
  }
  const reason = typeof record['reason'] === 'string' && record['reason'] !== '' ? record['reason'] : `webhook answered pass: ${pass}`;
  return { pass, ...(score === undefined ? {} : { score }), reason };
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}

export default defineMetric<WebhookValue, Prepared>({
  id: 'webhook',
  optionsSchema: {
    description:
      'URL your grading service listens on: each output is POSTed as JSON { output, context: { prompt, vars } } and ' +
      `the answer must be { pass, score?, reason? }. Or { url, timeoutMs } (default ${WEBHOOK_TIMEOUT_MS} ms).`,
    oneOf: [
      { type: 'string', minLength: 1, description: 'the http(s) URL' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string', minLength: 1, description: 'the http(s) URL' },
          timeoutMs: { type: 'integer', minimum: 1, maximum: 600_000, description: `longest wait for an answer, ms (default ${WEBHOOK_TIMEOUT_MS})` },
        },
      },
    ],
  },
  prepare,
  score: async ({ output, value, prompt, vars }) => {
    const body = JSON.stringify({ output, context: { prompt, vars } });
    return verdictOf(await call(value, body), value.url);
  },
});
