/**
 * The view's defences over real HTTP (DESIGN.md §10): the Host check against DNS rebinding, the Origin check and
 * the CSRF token on state-changing requests, the access token when the server has one, and the page headers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningView } from '../../../src/view/server.js';
import { startTestView, viewProject, type ViewProject } from '../helpers.js';

let project: ViewProject | undefined;
let view: RunningView | undefined;
afterEach(async () => {
  await view?.close();
  project?.dispose();
  view = undefined;
});

async function start(options: { token?: string } = {}): Promise<RunningView> {
  project = viewProject();
  view = await startTestView(project, options);
  return view;
}

/** A request with full control of its headers (fetch forbids setting Host). */
async function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('llmlab view security', () => {
  it('answers 421 to a request under another Host name (DNS rebinding)', async () => {
    const v = await start();
    const rebound = await raw(`${v.url}/`, { headers: { host: 'evil.example:15500' } });
    expect(rebound.status).toBe(421);
    expect((await raw(`${v.url}/`)).status).toBe(200);
  });

  it('refuses a cross-origin POST, and a POST without the CSRF token', async () => {
    const v = await start();
    const json = { 'content-type': 'application/json' };
    const crossOrigin = await raw(`${v.url}/api/studio/save`, { method: 'POST', headers: { ...json, origin: 'https://evil.example', 'x-llmlab-csrf': v.context.csrf }, body: '{}' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.body).toContain('cross-origin request from https://evil.example refused');
    const noToken = await raw(`${v.url}/api/studio/save`, { method: 'POST', headers: { ...json, origin: v.url }, body: '{}' });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('missing or wrong CSRF token');
    const wrongToken = await raw(`${v.url}/api/studio/save`, { method: 'POST', headers: { ...json, origin: v.url, 'x-llmlab-csrf': 'guess' }, body: '{}' });
    expect(wrongToken.status).toBe(403);
    // With the page's token and its own origin the request reaches the route (which then judges the body).
    const ok = await raw(`${v.url}/api/studio/save`, { method: 'POST', headers: { ...json, origin: v.url, 'x-llmlab-csrf': v.context.csrf }, body: '{}' });
    expect(ok.status).not.toBe(403);
  });

  it('refuses a request body over 16 MB before reading it', async () => {
    const v = await start();
    const big = await raw(`${v.url}/api/studio/save`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: v.url, 'x-llmlab-csrf': v.context.csrf, 'content-length': String(17 * 1024 * 1024) },
      body: '{}',
    }).catch((error: Error) => ({ status: 0, body: error.message }));
    expect(big.status).toBe(413);
    expect(big.body).toContain('over 16 MB');
  });

  it('pages carry the CSRF token and a CSP that allows no inline script', async () => {
    const v = await start();
    const res = await fetch(`${v.url}/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline\'; script');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain(`<meta name="llmlab-csrf" content="${v.context.csrf}">`);
  });

  it('with a token, refuses every request without it and accepts a bearer or the cookie', async () => {
    const token = 'a-long-enough-test-token-123';
    const v = await start({ token });
    expect((await fetch(`${v.url}/`)).status).toBe(401);
    expect((await fetch(`${v.url}/api/runs/x/gate`)).status).toBe(401);
    expect((await fetch(`${v.url}/?token=wrong-token-of-some-length`)).status).toBe(401);
    expect((await fetch(`${v.url}/`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const first = await fetch(`${v.url}/runs?page=0&token=${token}`, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/runs?page=0');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await fetch(`${v.url}/runs?page=0`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });
});
