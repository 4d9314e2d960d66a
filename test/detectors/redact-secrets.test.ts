import { describe, expect, it } from 'vitest';
import { createRedactor, redactDeep } from '../../src/detectors/redact-secrets.js';

const KEY = 'sk-proj-Zq81xWc0Lr5mPa';
const redact = createRedactor([{ name: 'OPENAI_API_KEY', value: KEY }])!;
const R = '[REDACTED:OPENAI_API_KEY]';
const b64 = (text: string, encoding: BufferEncoding = 'base64'): string => Buffer.from(text).toString(encoding);

describe('createRedactor', () => {
  it('redacts the key plain, in any case, spaced, hyphenated, zero-width separated, reversed and hex', () => {
    const forms = [
      KEY,
      KEY.toUpperCase(),
      [...KEY].join(' '),
      [...KEY].join('-'),
      [...KEY].join('\u200B'),
      [...KEY].reverse().join(''),
      [...KEY].reverse().join(' '),
      b64(KEY, 'hex'),
    ];
    for (const form of forms) expect(redact(`before ${form} after`), form).toBe(`before ${R} after`);
  });

  it('redacts base64 of the key at each byte alignment inside a longer text, and the whole base64 run', () => {
    for (const text of [KEY, `x${KEY}`, `xy${KEY}`, `Bearer ${KEY}`, `user:${KEY}`, `${KEY}:tail`]) {
      for (const encoding of ['base64', 'base64url'] as const) {
        expect(redact(`Authorization: Basic ${b64(text, encoding)}\n`), `${encoding} of ${text}`).toBe(`Authorization: Basic ${R}\n`);
      }
    }
  });

  it('leaves other text alone and ignores values too short to be secrets', () => {
    expect(redact('sk-proj-other and a plain sentence.')).toBe('sk-proj-other and a plain sentence.');
    expect(createRedactor([{ name: 'PORT_TOKEN', value: '8080' }])).toBeUndefined();
    expect(createRedactor([])).toBeUndefined();
  });
});

describe('redactDeep', () => {
  it('copies only what changed and keeps class instances as they are', () => {
    const date = new Date(0);
    const value = { a: 'fine', b: [`key ${KEY}`, 1, null], c: { d: 'fine' }, date };
    const out = redactDeep(value, redact);
    expect(out).toEqual({ a: 'fine', b: [`key ${R}`, 1, null], c: { d: 'fine' }, date });
    expect(out.c).toBe(value.c);
    expect(out.date).toBe(date);
    expect(value.b[0]).toBe(`key ${KEY}`);
  });
});
