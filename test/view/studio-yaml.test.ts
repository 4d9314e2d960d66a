/**
 * Inline prompts spliced into suite YAML: only the template's bytes change; a multi-line template becomes a block
 * literal indented under its key or dash, a one-line one a quoted scalar; flow collections, leading spaces and a
 * trailing comment fall back to a form that reads back exactly; ids are found as the resolver names them.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findInlinePrompt, replaceInlinePrompt } from '../../src/view/studio-yaml.js';

const SUITE = `# keep me
prompts:
  - 'Hello {{ q }}'   # first
  - id: two
    template: |
      line one
      line two
    tools: []   # keep me too
  - file: prompts/x.txt
  - id: four
    template: plain text
tests: [ {vars: {q: 1}} ]   # flow, kept as is
`;

function replaced(text: string, id: string, template: string): string {
  const place = findInlinePrompt(text, id);
  expect(place, id).toBeDefined();
  const next = replaceInlinePrompt(text, place!, template);
  expect(next).toBeDefined();
  return next!;
}

describe('findInlinePrompt', () => {
  it('finds string entries by their default id and mapped ones by id; not file or messages prompts', () => {
    expect(findInlinePrompt(SUITE, 'prompt-1')).toMatchObject({ index: 0, path: ['prompts', 0], flow: false });
    expect(findInlinePrompt(SUITE, 'two')).toMatchObject({ index: 1, path: ['prompts', 1, 'template'] });
    expect(findInlinePrompt(SUITE, 'prompt-3')).toBeUndefined();
    expect(findInlinePrompt(SUITE, 'x')).toBeUndefined();
    expect(findInlinePrompt('prompts:\n  - id: m\n    messages: [{role: user, content: hi}]\n', 'm')).toBeUndefined();
    expect(findInlinePrompt('prompts: [ [ broken\n', 'prompt-1')).toBeUndefined();
  });
});

describe('replaceInlinePrompt', () => {
  it('writes a multi-line template as a block literal under its key, the rest byte for byte', () => {
    const next = replaced(SUITE, 'two', 'changed\n  indented\nend\n');
    expect(next).toBe(SUITE.replace('      line one\n      line two\n', '      changed\n        indented\n      end\n'));
  });

  it('chomps as the template ends: none (|-), one newline (|), several (|+)', () => {
    for (const template of ['a\nb', 'a\nb\n', 'a\nb\n\n']) {
      const next = replaced(SUITE, 'four', template);
      expect(parse(next).prompts[3].template).toBe(template);
      expect(next).toContain('# keep me too');
    }
    expect(replaced(SUITE, 'four', 'a\nb')).toBe(SUITE.replace('    template: plain text\n', '    template: |-\n      a\n      b\n'));
  });

  it('writes a one-line template single-quoted, keeping the trailing comment', () => {
    expect(replaced(SUITE, 'prompt-1', "it's {{ q }}")).toBe(SUITE.replace("'Hello {{ q }}'", "'it''s {{ q }}'"));
  });

  it('falls back to a double-quoted scalar where a block literal cannot go or would not read back', () => {
    // A trailing comment after a one-line value would land inside a block literal.
    const commented = replaced(SUITE, 'prompt-1', 'multi\nline');
    expect(commented).toContain('  - "multi\\nline"   # first');
    // Flow sequence, and a first line that starts with spaces.
    expect(replaced('prompts: [a, "b"]\n', 'prompt-2', 'x\ny')).toBe('prompts: [a, "x\\ny"]\n');
    const spaced = replaced(SUITE, 'two', '  indented first\nsecond\n');
    expect(parse(spaced).prompts[1].template).toBe('  indented first\nsecond\n');
  });

  it('indents a block literal right after a dash under the dash', () => {
    const text = 'prompts:\n  - |\n    old\n    text\ntests: []\n';
    const next = replaced(text, 'prompt-1', 'new\ntext\n');
    expect(next).toBe('prompts:\n  - |\n    new\n    text\ntests: []\n');
  });
});
