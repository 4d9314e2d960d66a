/**
 * `is-xml`: the whole output (surrounding whitespace aside) is a well-formed XML document, with one root element
 * and, when the value lists them, every required element path (`order.items.item`), as promptfoo's `is-xml`.
 * Differs from promptfoo: promptfoo checks well-formedness with the saxes parser and rejects DTD internal subsets;
 * llmlab uses fast-xml-parser's validator (it checks tags, nesting and attributes, not DOCTYPE contents), and a
 * path segment that is not a number looks into every repeated element, where promptfoo finds nothing.
 * A fenced ```xml block fails, as in promptfoo: use `contains-xml` for XML inside prose or a fence.
 */
import { defineMetric } from '../types.js';
import { checkXml, requiredElementsOf, xmlValueSchema } from './xml-shared.js';
import type { XmlValue } from './xml-shared.js';

export default defineMetric<XmlValue, string[][]>({
  id: 'is-xml',
  optionsSchema: xmlValueSchema('the document'),
  prepare: (value) => requiredElementsOf('is-xml', value),
  score: ({ output, value }) => {
    const text = output.trim();
    if (text === '') return { pass: false, reason: 'empty output: not XML' };
    return checkXml(text, value);
  },
});
