/**
 * Pointing a prompt entry at a new file: string entries become `{ id, file }`, a mapping's template or file is
 * replaced and an implicit id written out; the rest of the file stays byte for byte; chat messages are not
 * re-pointed.
 */
import { describe, expect, it } from 'vitest';
import { repointPrompt } from '../../src/view/studio-repoint.js';

const SUITE = `# keep me
prompts:
  - 'Hello {{ q }}'   # first
  - id: two
    template: |
      line one
    tools: []   # keep me too
  - file: prompts/greet.txt
  - template: implicit id
  - { template: flow }
  - id: chat
    messages: [{ role: user, content: hi }]
  - file: old.njk   # a file entry
    toolChoice: auto
  - file:prompts/s.txt
tests: []
`;

describe('repointPrompt', () => {
  it('turns a string entry into { id, file }, keeping its id and its comment', () => {
    expect(repointPrompt(SUITE, 'prompt-1', '../p/new.txt')).toBe(SUITE.replace("'Hello {{ q }}'", '{ id: "prompt-1", file: "../p/new.txt" }'));
    expect(repointPrompt(SUITE, 's', 'new.txt')).toBe(SUITE.replace('  - file:prompts/s.txt', '  - { id: "s", file: "new.txt" }'));
    expect(repointPrompt(SUITE, 'greet', 'new.txt')).toBe(SUITE.replace('  - file: prompts/greet.txt', '  - id: "greet"\n    file: "new.txt"'));
  });

  it('replaces a mapping\'s template (a block literal too) or file, and writes out an implicit id', () => {
    expect(repointPrompt(SUITE, 'two', 'two.txt')).toBe(SUITE.replace('    template: |\n      line one\n', '    file: "two.txt"\n'));
    expect(repointPrompt(SUITE, 'prompt-4', 'f.txt')).toBe(SUITE.replace('  - template: implicit id', '  - id: "prompt-4"\n    file: "f.txt"'));
    expect(repointPrompt(SUITE, 'prompt-5', 'g.txt')).toBe(SUITE.replace('{ template: flow }', '{ id: "prompt-5", file: "g.txt" }'));
    expect(repointPrompt(SUITE, 'old', 'new.txt')).toBe(SUITE.replace('  - file: old.njk   # a file entry', '  - id: "old"\n    file: "new.txt"   # a file entry'));
  });

  it('leaves chat messages, unknown ids and broken YAML alone', () => {
    expect(repointPrompt(SUITE, 'chat', 'x.txt')).toBeUndefined();
    expect(repointPrompt(SUITE, 'nope', 'x.txt')).toBeUndefined();
    expect(repointPrompt('prompts: [ [\n', 'prompt-1', 'x.txt')).toBeUndefined();
  });
});
