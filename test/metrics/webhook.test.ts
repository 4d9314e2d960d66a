/**
 * `webhook` against a fake grading service on 127.0.0.1: what is sent (and what is not), the verdict, and the
 * failures that make the assertion an error. In the e2e project (a real server).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import webhook from '../../src/metrics/webhook.js';
import { goodVerdict, startFakeWebhook } from '../fakes/webhook.js';
import type { FakeServer } from '../fakes/harness.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

let server: FakeServer;
let url: string;

beforeAll(async () => {
  server = await startFakeWebhook();
  url = `${server.url}/grade`;
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBehaviour({ answer: goodVerdict, failures: [] });
  server.requests.length = 0;
});

describe('webhook', () => {
  it('POSTs { output, context: { prompt, vars } } and nothing else, and takes the verdict it answers', async () => {
    process.env['LLMLAB_WEBHOOK_TEST_SECRET'] = 'sk-never-sent';
    try {
      const run = { vars: { city: 'Paris' }, prompt: 'Q: Paris?' };
      expect(await scoreMetric(webhook, url, 'a good answer', run)).toEqual({ pass: true, score: 0.9, reason: 'says good' });
      expect(await scoreMetric(webhook, { url, timeoutMs: 2000 }, 'a bad answer', run)).toEqual({ pass: false, score: 0.1, reason: 'does not say good' });
    } finally {
      delete process.env['LLMLAB_WEBHOOK_TEST_SECRET'];
    }
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/grade', headers: { 'content-type': 'application/json' } });
    expect(request!.body).toEqual({ output: 'a good answer', context: { prompt: 'Q: Paris?', vars: { city: 'Paris' } } });
    expect(JSON.stringify(request)).not.toContain('sk-never-sent');
    expect(request!.headers).not.toHaveProperty('authorization');
  });

  it('makes a non-2xx answer, a body that is not JSON, and a verdict without `pass` errors with the reason', async () => {
    server.setBehaviour({ failures: [{ status: 503, message: 'down for maintenance' }] });
    await expect(scoreMetric(webhook, url, 'x')).rejects.toMatchObject({
      code: 'METRIC_ERROR',
      message: `webhook ${url} answered HTTP 503: {"error":"down for maintenance"}`,
    });
    server.setBehaviour({ failures: [{ malformed: true }] });
    await expect(scoreMetric(webhook, url, 'x')).rejects.toThrow(`webhook ${url} answered something that is not JSON: {"choices": [ this is not json`);
    server.setBehaviour({ answer: () => '{"score": 1}' });
    await expect(scoreMetric(webhook, url, 'x')).rejects.toThrow(/answered \{"score":1\}; expected \{ "pass": true\|false/);
  });

  it('gives up after timeoutMs when the service does not answer', async () => {
    server.setBehaviour({ failures: [{ hang: true }] });
    // A short limit keeps the test quick; the server never answers, so no timing race is possible.
    await expect(scoreMetric(webhook, { url, timeoutMs: 300 }, 'x')).rejects.toMatchObject({
      code: 'METRIC_ERROR',
      message: `webhook ${url}: no answer within 300 ms`,
    });
  });

  it('rejects a value that is not an http(s) URL when the suite loads', async () => {
    for (const value of ['file:///etc/passwd', 'localhost:8080', { url: url, timeoutMs: 0 }]) {
      await expect(prepareMetric(webhook, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
