/**
 * Assertion values are nunjucks templates over the test's vars, as prompts are: `{ type: equals, value:
 * '{{ expected }}' }` in defaultTest checks each test against its own expectation. promptfoo renders values the
 * same way, so a promptfoo config that relies on it means the same here. Rendered once per test when the suite
 * loads (an undefined variable is an error at the assertion's line, not an empty string at grading time); only
 * values that contain a tag are touched, so tests share their defaultTest's assertions otherwise. Code values
 * (`javascript`, `python`) and URLs (`webhook`) are not templates.
 */
import nunjucks from 'nunjucks';
import { LlmlabError, messageOf } from '../errors.js';
import type { Assertion } from '../types.js';
import type { ProblemList } from './problems.js';

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
const NOT_TEMPLATES = new Set(['javascript', 'python', 'webhook']);
const TAG = /\{\{|\{%/;

function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return TAG.test(value);
  return Array.isArray(value) && value.some((item) => typeof item === 'string' && TAG.test(item));
}

/** `assert` with templated values rendered over `vars`; the same array when nothing is templated. */
export function renderAssertionValues(assert: Assertion[], vars: Record<string, unknown>, problems: ProblemList): Assertion[] {
  if (!assert.some((a) => !NOT_TEMPLATES.has(a.type) && isTemplated(a.value))) return assert;
  return assert.map((assertion) => {
    if (NOT_TEMPLATES.has(assertion.type) || !isTemplated(assertion.value)) return assertion;
    const render = (text: string) => (TAG.test(text) ? env.renderString(text, vars) : text);
    try {
      const value = Array.isArray(assertion.value)
        ? assertion.value.map((item) => (typeof item === 'string' ? render(item) : item))
        : render(assertion.value as string);
      return { ...assertion, value };
    } catch (error) {
      const texts = Array.isArray(assertion.value) ? assertion.value.filter((v): v is string => typeof v === 'string') : [assertion.value as string];
      const missing = [...new Set(texts.flatMap((text) => [...text.matchAll(/\{\{-?\s*([A-Za-z_]\w*)/g)].map((m) => m[1]!)))].filter((name) => !(name in vars));
      const why = missing.length > 0 ? `uses ${missing.map((n) => `\`${n}\``).join(', ')}, which the test's vars do not define` : `does not render: ${messageOf(error).replace(/^\(unknown path\)\s*/, '')}`;
      problems.add(
        new LlmlabError('CONFIG_INVALID', `the value of \`${assertion.metric}\` ${why}`, {
          ...(assertion.source ? { where: assertion.source } : {}),
          hint: 'assertion values are nunjucks templates over the test\'s vars: define the variable in the test (or defaultTest), or write `{{ "{{" }}` for a literal brace',
        }),
      );
      return assertion;
    }
  });
}
