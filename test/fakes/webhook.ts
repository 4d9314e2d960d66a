/**
 * A fake grading webhook on 127.0.0.1 for the `webhook` metric: `POST /grade` answers the behaviour's `answer`
 * for the request body, sent as the JSON body (so a test scripts `{"pass": true}`, or text that is not JSON).
 * The default verdict passes an output that contains "good". The harness's failures (status, hang, malformed,
 * reset) and request recording work as for the API fakes.
 */
import { sendBrokenJson, sendJson, startFakeServer } from './harness.js';
import type { FakeApi, FakeBehaviour, FakeServer } from './harness.js';

/** The default verdict: pass when the graded output contains "good". */
export function goodVerdict(body: any): string {
  const pass = typeof body?.output === 'string' && body.output.includes('good');
  return JSON.stringify({ pass, score: pass ? 0.9 : 0.1, reason: pass ? 'says good' : 'does not say good' });
}

const webhookApi: FakeApi = {
  routes: {
    'POST /grade': ({ res, body, behaviour }) => {
      const text = behaviour.answer(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  },
  sendError(res, status, message, headers) {
    sendJson(res, status, { error: message }, headers);
  },
  sendMalformed({ res }) {
    sendBrokenJson(res);
  },
};

/** Starts a fake webhook; its URL to grade at is `${server.url}/grade`. */
export function startFakeWebhook(options: Partial<FakeBehaviour> = {}): Promise<FakeServer> {
  return startFakeServer(webhookApi, { answer: goodVerdict, ...options });
}
