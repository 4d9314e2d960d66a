/**
 * `similar`: cosine similarity of the embeddings of the output and an expected text, from the suite's embedder
 * (an embeddings API: OpenAI-compatible /v1/embeddings, Ollama /api/embed, or the offline mock). With a list of
 * expected texts the closest one counts. Score = the similarity; passes at 0.8, or at the assertion's `threshold`.
 * One embeddings call per output (output and expected texts together); graderRepeat does not apply.
 */
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import { cosine, fixed3, judgeOf, quote } from './judge-shared.js';

/** Pass mark without a `threshold`. */
export const DEFAULT_SIMILARITY = 0.8;

export default defineMetric<string | string[], string[]>({
  id: 'similar',
  optionsSchema: {
    description:
      'Expected text, or a list of them (the closest counts). Score = cosine similarity of the embeddings of the ' +
      `output and the expected text, from the \`embedder\`; passes at ${DEFAULT_SIMILARITY} unless \`threshold\` says otherwise.`,
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    ],
  },
  judge: { embed: 1, repeats: false },
  prepare: (value) => {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((text) => typeof text !== 'string' || text === '')) {
      throw new LlmlabError('CONFIG_INVALID', 'similar needs the expected text (or a list of them) as `value`', {
        hint: 'e.g. value: "The cat sits on the mat."',
      });
    }
    return list;
  },
  score: async (input) => {
    const judge = judgeOf(input, 'similar');
    const [output, ...expected] = await judge.embed([input.output, ...input.value]);
    let best = -Infinity;
    let closest = 0;
    expected.forEach((vector, i) => {
      const similarity = cosine(output ?? [], vector);
      if (similarity > best) [best, closest] = [similarity, i];
    });
    const pass = best >= DEFAULT_SIMILARITY;
    const target = input.value.length > 1 ? ` (closest of ${input.value.length}: ${quote(input.value[closest] ?? '', 60)})` : '';
    return {
      pass,
      score: Math.max(0, best),
      reason: `cosine similarity ${fixed3(best)}${target} ${pass ? '≥' : '<'} ${DEFAULT_SIMILARITY}`,
    };
  },
});
