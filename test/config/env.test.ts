/** .env loading: values from the file, under process.env. */
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { tempDir } from './helpers.js';

describe('loadEnv', () => {
  it('overlays the environment on .env values; the real environment wins', async () => {
    const dir = await tempDir({
      '.env': '# comment\nOPENAI_API_KEY=from-file\nONLY_FILE="quoted value"\nexport_me=1\nMULTI="a\nb"\n',
    });
    const env = loadEnv(dir, { OPENAI_API_KEY: 'from-env', PATH: '/bin' });
    expect(env).toEqual({
      OPENAI_API_KEY: 'from-env',
      ONLY_FILE: 'quoted value',
      export_me: '1',
      MULTI: 'a\nb',
      PATH: '/bin',
    });
  });

  it('is the environment alone when there is no .env', async () => {
    const dir = await tempDir();
    expect(loadEnv(dir, { A: '1' })).toEqual({ A: '1' });
  });

  it('defaults to process.env', async () => {
    const dir = await tempDir({ '.env': 'LLMLAB_TEST_ONLY_IN_FILE=yes\nPATH=overridden\n' });
    const env = loadEnv(dir);
    expect(env.LLMLAB_TEST_ONLY_IN_FILE).toBe('yes');
    expect(env.PATH).toBe(process.env.PATH);
  });
});
