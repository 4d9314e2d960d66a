import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LlmlabError, ProviderError } from '../../src/errors.js';
import { loadModule } from '../../src/load-module.js';
import file from '../../src/providers/file.js';
import type { GenerateRequest, Provider } from '../../src/types.js';
import { makeProviderSpec } from '../fixtures/providers/test-provider.js';

const fixtures = fileURLToPath(new URL('../fixtures/providers/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'llmlab-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const request: GenerateRequest = { prompt: 'hi', messages: [{ role: 'user', content: 'hi' }], vars: {}, repeatIndex: 0 };
const signal = new AbortController().signal;

async function fileProvider(path: string, config: Record<string, unknown> = {}, baseDir = fixtures): Promise<Provider> {
  return file.create(makeProviderSpec(`file:${path}`, config, { baseDir }));
}
async function answer(path: string, config: Record<string, unknown> = {}, baseDir = fixtures): Promise<string> {
  return (await (await fileProvider(path, config, baseDir)).generate(request, { signal })).output;
}

/** Rewrites a module and moves its mtime forward, as an editor save would. */
function edit(path: string, source: string, secondsLater: number): void {
  writeFileSync(path, source);
  const later = new Date(Date.now() + secondsLater * 1000);
  utimesSync(path, later, later);
}

describe('file provider: module shapes', () => {
  it('runs a provider plugin, handing it config.options as spec.config', async () => {
    const provider = await fileProvider('./modules/plugin.mjs', { options: { greeting: 'hey' } });
    expect(await provider.generate(request, { signal })).toEqual({ output: 'hey: hi', finishReason: 'stop' });
    expect(provider.identity['provider']).toEqual({ greeting: 'hey' });
  });

  it('runs an object with a generate method, keeping `this`', async () => {
    const provider = await fileProvider('./modules/object.mjs');
    expect(await provider.generate(request, { signal })).toEqual({ output: 'object: hi', usage: { input: 1, output: 2, total: 3 } });
  });

  it('runs a function, normalising a string answer and passing options as context.config', async () => {
    expect(await answer('modules/function.mjs', { options: { suffix: '?' } })).toBe('function: hi?');
  });

  it('accepts a named generate export and a CommonJS module', async () => {
    expect(await answer('modules/named.mjs')).toBe('named: hi');
    expect(await answer('modules/commonjs.cjs')).toBe('commonjs: hi');
  });

  it('loads a TypeScript module', async () => {
    const provider = await fileProvider('modules/typed.ts');
    expect(await provider.generate(request, { signal })).toEqual({ output: 'HI', finishReason: 'stop' });
  });

  it('rejects a module with no usable export, saying which shapes work', async () => {
    const error = await fileProvider('modules/not-a-provider.mjs').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringMatching(/create\(spec\).*generate\(request, context\).*function/) });
  });

  it("reports a plugin whose create() throws as CONFIG_INVALID with the module's message", async () => {
    await expect(fileProvider('modules/create-throws.mjs')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/create\(\) failed: MY_SERVICE_KEY is not set/),
    });
  });

  it('reports a missing module as FILE_NOT_FOUND with the resolved path and a hint', async () => {
    const error = await fileProvider('./modules/missing.ts').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmlabError);
    expect(error).toMatchObject({ code: 'FILE_NOT_FOUND', hint: expect.stringContaining(fixtures) });
    expect((error as Error).message).toContain(join(fixtures, 'modules', 'missing.ts'));
  });
});

describe('file provider: calls', () => {
  it('fails a call whose answer is neither a string nor { output }', async () => {
    const provider = await fileProvider('modules/bad-result.mjs');
    await expect(provider.generate(request, { signal })).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/returned number; expected a string or \{ output: string \}/),
    });
  });

  it('wraps what the module throws, retryable when it carries a 429 status', async () => {
    const provider = await fileProvider('modules/throws.mjs');
    const error = await provider.generate(request, { signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, retryable: true, message: expect.stringMatching(/upstream rate limited/) });
  });

  it('puts the relative path, content hash and options in identity', async () => {
    const provider = await fileProvider('./modules/function.mjs', { options: { suffix: '!' } });
    const sha256 = createHash('sha256').update(readFileSync(join(fixtures, 'modules', 'function.mjs'))).digest('hex');
    expect(provider.identity).toEqual({ path: 'modules/function.mjs', sha256, options: { suffix: '!' } });
  });
});

describe('file provider: edits', () => {
  for (const ext of ['mjs', 'ts']) {
    it(`re-imports an edited .${ext} module and changes identity`, async () => {
      const path = join(scratch, `edited.${ext}`);
      edit(path, `export default (request${ext === 'ts' ? ': { prompt: string }' : ''}) => 'v1 ' + request.prompt;`, 0);
      const first = await fileProvider(path, {}, scratch);
      expect(await first.generate(request, { signal })).toEqual({ output: 'v1 hi' });

      edit(path, `export default (request${ext === 'ts' ? ': { prompt: string }' : ''}) => 'v2 ' + request.prompt;`, 5);
      const second = await fileProvider(path, {}, scratch);
      expect(await second.generate(request, { signal })).toEqual({ output: 'v2 hi' });
      expect(second.identity['sha256']).not.toEqual(first.identity['sha256']);
    });
  }
});

describe('loadModule', () => {
  it('imports an unchanged module once', async () => {
    const path = join(fixtures, 'modules', 'object.mjs');
    expect(await loadModule(path)).toBe(await loadModule(path));
  });

  it('gives CommonJS modules a default export', async () => {
    const namespace = (await loadModule(join(fixtures, 'modules', 'commonjs.cjs'))) as { default: { generate: unknown } };
    expect(typeof namespace.default.generate).toBe('function');
  });

  it('unwraps a TypeScript module compiled to CommonJS outside a "type": "module" package', async () => {
    // tmpdir has no package.json, so tsx treats this .ts as CommonJS.
    const path = join(scratch, 'interop.ts');
    writeFileSync(path, 'export const named: number = 1;\nexport default function main(): string { return "main"; }\n');
    const namespace = (await loadModule(path)) as { default: () => string; named: number };
    expect(namespace.default()).toBe('main');
    expect(namespace.named).toBe(1);
  });

  it('reports a broken module as CONFIG_INVALID and loads it once fixed', async () => {
    const path = join(scratch, 'broken.mjs');
    edit(path, 'export default (', 0);
    await expect(loadModule(path)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(path) });
    edit(path, 'export default 7;', 5);
    expect(await loadModule(path)).toMatchObject({ default: 7 });
  });

  it('rejects a missing file and an unsupported extension', async () => {
    await expect(loadModule(join(scratch, 'absent.mjs'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(loadModule(join(fixtures, 'exec', 'bot.py'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
