/**
 * `contains-xml`: somewhere in the output (prose, a ```xml fence) is a well-formed XML element with every
 * required element path, as promptfoo's `contains-xml`. Candidates are the outermost elements whose open and
 * close tags balance (or a self-closing one), tried in order; the first that checks out passes.
 * Differs from promptfoo: promptfoo parses each candidate leniently (no well-formedness check inside it);
 * llmlab validates each one as `is-xml` does, so `<a><b></a>` inside prose is not XML here either.
 */
import { defineMetric } from '../types.js';
import { checkXml, requiredElementsOf, xmlValueSchema } from './xml-shared.js';
import type { XmlValue } from './xml-shared.js';

// A tag: `<name …>`, `</name>` or `<name …/>`; attribute text may not hold `<` or `>` (XML forbids `<` there).
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?\/?>/g;

/** The outermost balanced elements of `text`, in order of appearance. */
export function xmlCandidates(text: string): string[] {
  const found: string[] = [];
  const open: Array<{ name: string; start: number }> = [];
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
    const [tag, closing, name = ''] = m;
    const end = m.index + tag.length;
    if (closing) {
      if (open.at(-1)?.name !== name) {
        open.length = 0; // unbalanced: start over after it
        continue;
      }
      const start = open.pop()!.start;
      if (open.length === 0) found.push(text.slice(start, end));
    } else if (tag.endsWith('/>')) {
      if (open.length === 0) found.push(tag);
    } else {
      open.push({ name, start: m.index });
    }
  }
  return found;
}

export default defineMetric<XmlValue, string[][]>({
  id: 'contains-xml',
  optionsSchema: xmlValueSchema('the XML element'),
  prepare: (value) => requiredElementsOf('contains-xml', value),
  score: ({ output, value }) => {
    const candidates = xmlCandidates(output);
    if (candidates.length === 0) return { pass: false, reason: 'no XML element found in the output' };
    let first: string | undefined;
    for (const candidate of candidates) {
      const verdict = checkXml(candidate, value);
      if (verdict.pass) return verdict;
      first ??= verdict.reason;
    }
    const which = candidates.length > 1 ? `${candidates.length} candidates; the first: ` : '';
    return { pass: false, reason: `no XML element that checks out (${which}${first})` };
  },
});
