import { describe, expect, it } from 'vitest';
import { compilePrompt } from '../../src/engine/render.js';
import type { TestCase } from '../../src/types.js';

const test = (vars: Record<string, unknown>): TestCase => ({ id: 't', index: 0, vars, assert: [] });
const source = { file: '/s/suite.yaml', line: 7 };

describe('prompt rendering', () => {
  it('renders a template as one user message', () => {
    const p = compilePrompt({ id: 'a', template: 'Q: {{ q | upper }}', source });
    expect(p.render(test({ q: 'hi' }))).toEqual({ messages: [{ role: 'user', content: 'Q: HI' }], prompt: 'Q: HI' });
  });

  it('renders chat messages', () => {
    const p = compilePrompt({ id: 'a', messages: [{ role: 'system', content: 'Be {{ tone }}' }, { role: 'user', content: '{{ q }}' }], source });
    expect(p.render(test({ tone: 'brief', q: 'hi' })).messages).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('prints literal braces in var values without rendering them', () => {
    const p = compilePrompt({ id: 'a', template: 'Fix this JSON: {{ code }}', source });
    const code = '{"a": "{{ not a template }}", "b": "{% if %}"}';
    expect(p.render(test({ code })).prompt).toBe(`Fix this JSON: ${code}`);
  });

  it('names the prompt, file and template line on a syntax error', () => {
    expect(() => compilePrompt({ id: 'broken', template: 'line one\nok {% endfor %}', source })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_ERROR', where: source, message: expect.stringMatching(/prompt `broken`.*template line 2/) }),
    );
  });

  it('names the test and the missing variable', () => {
    const p = compilePrompt({ id: 'a', template: '{{ question }}', source });
    let error: any;
    try {
      p.render({ ...test({ other: 1 }), index: 4, description: 'refunds' });
    } catch (e) {
      error = e;
    }
    expect(error.code).toBe('TEMPLATE_ERROR');
    expect(error.message).toMatch(/prompt `a` for test 5 \(refunds\): uses a variable the test does not define/);
    expect(error.hint).toMatch(/vars here: other/);
  });
});
