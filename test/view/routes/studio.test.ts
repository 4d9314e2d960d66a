/**
 * The studio's API in process: suites listed from the project's globs, a suite told as the editor needs it, a
 * broken suite as a 422 at file:line:col; saves of a file prompt and an inline one (comments kept) with their
 * prompt versions; a file changed since it was loaded refused with a 409; paths that leave the project (`..`,
 * absolute, a symlink) refused; a save without the CSRF token refused by the middleware.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promptHash } from '../../../src/store/index.js';
import type { StudioSuite } from '../../../src/view/studio-suites.js';
import { viewApp, viewHeaders, viewProject, type ViewProject } from '../helpers.js';
import { GREETING, SUPPORT_SUITE, writeStudioProject } from '../studio-fixture.js';

let project: ViewProject;
let app: Hono;
let headers: (options?: { csrf?: boolean; json?: boolean }) => Record<string, string>;

beforeEach(async () => {
  project = viewProject();
  writeStudioProject(project.dir);
  const made = await viewApp(project);
  app = made.app;
  headers = (options = {}) => viewHeaders(made.context, options);
});
afterEach(() => project.dispose());

const get = async (path: string) => {
  const r = await app.request(path, { headers: headers() });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};
const post = async (path: string, body: unknown, options: { csrf?: boolean } = { csrf: true }) => {
  const r = await app.request(path, { method: 'POST', headers: headers({ csrf: options.csrf, json: true }), body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & { error?: { message: string; hint?: string } } };
};
const suite = async () => (await get('/api/studio/suite?path=suites/support.yaml')).body as unknown as StudioSuite;
const prompt = async (id: string) => (await suite()).prompts.find((p) => p.id === id)!;

describe('suites', () => {
  it('lists the suite files of the project\'s globs, relative to the root', async () => {
    expect(await get('/api/studio/suites')).toEqual({ status: 200, body: { suites: ['suites/broken.yaml', 'suites/support.yaml'] } });
  });

  it('adds the suites of stored runs that live in the project (not those elsewhere, nor missing ones)', async () => {
    mkdirSync(join(project.dir, 'other'));
    writeFileSync(join(project.dir, 'other', 'extra.yaml'), SUPPORT_SUITE);
    const run = { suiteHash: 'h', totalCells: 0, options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' } };
    for (const suitePath of [join(project.dir, 'other', 'extra.yaml'), join(project.dir, 'gone.yaml'), '/elsewhere/suite.yaml']) project.store.runs.create({ ...run, suitePath });
    expect((await get('/api/studio/suites')).body).toEqual({ suites: ['other/extra.yaml', 'suites/broken.yaml', 'suites/support.yaml'] });
  });

  it('tells a suite\'s prompts (inline and file, with hashes), providers and tests', async () => {
    const s = await suite();
    expect(s.path).toBe('suites/support.yaml');
    expect(s.providers).toEqual([{ label: 'bot', id: 'mock' }, { label: 'parrot', id: 'echo' }]);
    expect(s.tests).toEqual([{ id: 'refund', description: 'refund policy' }, { id: 'hours', description: 'opening hours' }, { id: 'thanks' }]);
    const [ask, greet] = s.prompts;
    expect(ask).toMatchObject({ id: 'ask', kind: 'template', template: 'Answer the customer: {{ question }}\n', file: 'suites/support.yaml', inline: true, editable: true });
    expect(ask!.hash).toBe(promptHash({ template: 'Answer the customer: {{ question }}\n' }));
    expect(ask!.fileHash).toBe(s.fileHash);
    expect(greet).toMatchObject({ id: 'greet', template: GREETING, file: 'prompts/greet.txt', inline: false, editable: true });
  });

  it('shows a chat-messages prompt read-only, saying why, and neither saves nor runs it', async () => {
    writeFileSync(join(project.dir, 'suites', 'chat.yaml'), 'providers: [echo]\nprompts:\n  - id: chat\n    messages: [{ role: user, content: "Hi {{ q }}" }]\ntests: [{ vars: { q: x } }]\n');
    const chat = (await get('/api/studio/suite?path=suites/chat.yaml')).body as unknown as StudioSuite;
    expect(chat.prompts[0]).toMatchObject({ id: 'chat', kind: 'messages', messages: [{ role: 'user', content: 'Hi {{ q }}' }], editable: false });
    expect(chat.prompts[0]!.reason).toContain('the studio edits and runs templates only');
    const body = { suite: 'suites/chat.yaml', promptId: 'chat', template: 'Hi', fileHash: chat.fileHash };
    expect((await post('/api/studio/save', body)).status).toBe(422);
    expect((await post('/api/studio/runs', body)).status).toBe(422);
  });

  it('answers a broken suite with 422 at file:line:col, and an unknown one with 404', async () => {
    const broken = await get('/api/studio/suite?path=suites/broken.yaml');
    expect(broken.status).toBe(422);
    expect((broken.body.error as { message: string }).message).toMatch(/^suites\/broken\.yaml:\d+:\d+: YAML syntax error/);
    expect((await get('/api/studio/suite?path=suites/nope.yaml')).status).toBe(404);
  });
});

describe('save', () => {
  it('writes a file prompt to its file and records a prompt version', async () => {
    const greet = await prompt('greet');
    const saved = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'greet', template: 'Hello! {{ question }}\n', fileHash: greet.fileHash, label: 'friendlier' });
    expect(saved.status).toBe(200);
    expect(readFileSync(join(project.dir, 'prompts', 'greet.txt'), 'utf8')).toBe('Hello! {{ question }}\n');
    const hash = promptHash({ template: 'Hello! {{ question }}\n' });
    expect(saved.body).toMatchObject({ version: { hash, label: 'friendlier', file: 'prompts/greet.txt' }, file: 'prompts/greet.txt' });
    expect(saved.body.fileHash).not.toBe(greet.fileHash);
    const versions = project.store.promptVersions.list(join(project.dir, 'suites', 'support.yaml'));
    expect(versions).toEqual([expect.objectContaining({ promptId: 'greet', hash, label: 'friendlier', file: join(project.dir, 'prompts', 'greet.txt') })]);
    // The suite now loads the saved text, and the hash it gives is the new file's.
    expect(await prompt('greet')).toMatchObject({ template: 'Hello! {{ question }}\n', hash, fileHash: saved.body.fileHash });
  });

  it('edits an inline prompt in the suite\'s YAML and keeps every comment and the rest of the file', async () => {
    const ask = await prompt('ask');
    const template = 'You are a support agent.\nAnswer briefly: {{ question }}\n';
    const saved = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'ask', template, fileHash: ask.fileHash });
    expect(saved.status).toBe(200);
    const text = readFileSync(join(project.dir, 'suites', 'support.yaml'), 'utf8');
    expect(text).toBe(SUPPORT_SUITE.replace('      Answer the customer: {{ question }}\n', '      You are a support agent.\n      Answer briefly: {{ question }}\n'));
    expect(text).toContain('# Studio fixture: this comment must survive a save.');
    expect(text).toContain('# a file prompt (id greet)');
    expect((await prompt('ask')).template).toBe(template);
    expect(project.store.promptVersions.list(join(project.dir, 'suites', 'support.yaml'))).toHaveLength(1);
  });

  it('refuses with 409 a save over a file that changed since it was loaded, and writes nothing', async () => {
    const greet = await prompt('greet');
    writeFileSync(join(project.dir, 'prompts', 'greet.txt'), 'someone else\'s edit\n');
    const refused = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'greet', template: 'mine\n', fileHash: greet.fileHash });
    expect(refused.status).toBe(409);
    expect(refused.body.error!.message).toMatch(/^prompts\/greet\.txt changed on disk since you opened it \(.+\); reload the prompt to merge your edit$/);
    expect(readFileSync(join(project.dir, 'prompts', 'greet.txt'), 'utf8')).toBe('someone else\'s edit\n');
    expect(project.store.promptVersions.list(join(project.dir, 'suites', 'support.yaml'))).toEqual([]);
  });

  it('saves to a new file inside the project and points the suite\'s entry at it; never over an existing file', async () => {
    const s = await suite();
    const saved = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'ask', template: 'v2 {{ question }}', newFile: 'prompts/ask-v2.txt', suiteFileHash: s.fileHash });
    expect(saved.status).toBe(200);
    expect(readFileSync(join(project.dir, 'prompts', 'ask-v2.txt'), 'utf8')).toBe('v2 {{ question }}');
    expect(saved.body.note).toBe('saved to prompts/ask-v2.txt, and prompt `ask` of suites/support.yaml now reads it');
    // Only the entry changed: the id stays, the template became the file; comments are kept.
    expect(readFileSync(join(project.dir, 'suites', 'support.yaml'), 'utf8')).toBe(
      SUPPORT_SUITE.replace('    template: |\n      Answer the customer: {{ question }}\n', '    file: "../prompts/ask-v2.txt"\n'),
    );
    expect(await prompt('ask')).toMatchObject({ template: 'v2 {{ question }}', file: 'prompts/ask-v2.txt', inline: false });
    expect(saved.body.suiteFileHash).toBe((await suite()).fileHash);
    const again = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'ask', template: 'v3', newFile: 'prompts/ask-v2.txt' });
    expect(again.status).toBe(409);
    expect(readFileSync(join(project.dir, 'prompts', 'ask-v2.txt'), 'utf8')).toBe('v2 {{ question }}');
  });

  it('writes a new file without touching a suite that changed since it was loaded (409), or when no suite hash is sent', async () => {
    const s = await suite();
    writeFileSync(join(project.dir, 'suites', 'support.yaml'), `${SUPPORT_SUITE}# edited elsewhere\n`);
    const refused = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'greet', template: 'x', newFile: 'prompts/g2.txt', suiteFileHash: s.fileHash });
    expect(refused.status).toBe(409);
    expect(existsSync(join(project.dir, 'prompts', 'g2.txt'))).toBe(false);
    const plain = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'greet', template: 'x', newFile: 'prompts/g2.txt' });
    expect(plain.status).toBe(200);
    expect(plain.body.note).toContain('suites/support.yaml was left as it was (no suiteFileHash was sent)');
    expect(readFileSync(join(project.dir, 'suites', 'support.yaml'), 'utf8')).toBe(`${SUPPORT_SUITE}# edited elsewhere\n`);
  });

  it('refuses paths that leave the project: .., absolute, a symlinked folder; and the database and non-text files', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'llmlab-outside-'));
    try {
      symlinkSync(outside, join(project.dir, 'link'));
      const body = { suite: 'suites/support.yaml', promptId: 'ask', template: 'x' };
      for (const newFile of ['../escape.txt', join(outside, 'abs.txt'), 'link/escape.txt', 'prompts/../../escape.txt']) {
        const refused = await post('/api/studio/save', { ...body, newFile });
        expect([newFile, refused.status]).toEqual([newFile, 403]);
      }
      expect(existsSync(join(outside, 'escape.txt')) || existsSync(join(outside, 'abs.txt'))).toBe(false);
      expect((await post('/api/studio/save', { ...body, newFile: '.llmlab/llmlab.db' })).status).toBe(403);
      expect((await post('/api/studio/save', { ...body, newFile: 'prompts/run.js' })).status).toBe(422);
      expect((await get('/api/studio/suite?path=../outside.yaml')).status).toBe(403);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('is refused without the CSRF token (the middleware), and nothing is written', async () => {
    const greet = await prompt('greet');
    const refused = await post('/api/studio/save', { suite: 'suites/support.yaml', promptId: 'greet', template: 'x', fileHash: greet.fileHash }, { csrf: false });
    expect(refused.status).toBe(403);
    expect(readFileSync(join(project.dir, 'prompts', 'greet.txt'), 'utf8')).toBe(GREETING);
  });
});

describe('runs', () => {
  it('answers a template error in the draft with 422 before anything runs, and a bad body with 400', async () => {
    const bad = await post('/api/studio/runs', { suite: 'suites/support.yaml', promptId: 'ask', template: 'Hi {{ question ' });
    expect(bad.status).toBe(422);
    expect(bad.body.error!.message).toContain('prompt `draft:ask`');
    expect(project.store.runs.list()).toEqual([]);
    expect((await post('/api/studio/runs', { suite: 'suites/support.yaml', template: 'x' })).status).toBe(400);
    expect((await post('/api/studio/runs', { suite: 'suites/support.yaml', promptId: 'ask', template: 'x', tests: [] })).status).toBe(400);
  });

  it('serves the page with its script and no inline script', async () => {
    const r = await app.request('/studio', { headers: headers() });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('<script src="/assets/view/studio-results.js"></script>\n<script src="/assets/view/studio.js"></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
