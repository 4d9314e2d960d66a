/**
 * ARC Easy / Challenge (Clark et al. 2018), in either layout lm-evaluation-harness's users have:
 * - the original JSON Lines: `{"id", "question": {"stem", "choices": [{"text", "label"}]}, "answerKey"}`;
 * - Hugging Face `allenai/ai2_arc`: `{"id", "question", "choices": {"text": […], "label": […]}, "answerKey"}`.
 * Labels may be letters or digits (a few rows use 1–4); the gold is the position of `answerKey` among them.
 * `loglikelihood` reproduces lm-eval's `arc_easy`/`arc_challenge` (lm_eval/tasks/arc/arc_easy.yaml, version
 * 1.0): `Question: …\nAnswer:` scored against each choice's text, shots answered with the gold text, acc and
 * acc_norm. `generate` (llmlab's format for chat models) lists the choices relabelled A, B, C, … and asks for a
 * letter, shots answered with the gold letter.
 */
import { LlmlabError } from '../errors.js';
import { choiceAssertions, continuationsOf, defineBenchmark, formatChoices, LETTERS, readJsonlRows, stringField } from './benchmark.js';
import type { ChoiceProtocol, JsonlRow } from './benchmark.js';
import { fewshotText, jsonlSampler } from './fewshot.js';

interface ArcItem {
  id: string;
  question: string;
  choices: string[];
  gold: number;
}

export default defineBenchmark({
  id: 'arc',
  title: 'AI2 Reasoning Challenge, Easy or Challenge set (multiple choice)',
  format:
    'JSON Lines: {"id", "question": {"stem", "choices": [{"label", "text"}]}, "answerKey"} (ARC-*-Test.jsonl; -Train for few-shot), ' +
    'or Hugging Face allenai/ai2_arc rows {"id", "question", "choices": {"text", "label"}, "answerKey"}',
  source: 'https://allenai.org/data/arc (ARC-V1-Feb2018: ARC-Easy/ARC-Easy-Test.jsonl, ARC-Challenge/ARC-Challenge-Test.jsonl); also huggingface.co/datasets/allenai/ai2_arc',
  protocols: ['generate', 'loglikelihood'],
  async load(options) {
    const sampler = await jsonlSampler(options.fewshot, options.files);
    const tests = [];
    for (const file of options.files) {
      for (const row of await readJsonlRows(file)) {
        const item = parse(row);
        const shots = sampler.next(row).map(parse).map((shot) => ({ query: queryOf(shot, options.protocol), answer: answerOf(shot, options.protocol) }));
        tests.push({
          test: {
            id: item.id,
            vars: {
              question: item.question,
              choices: item.choices,
              choices_text: formatChoices(item.choices),
              query: queryOf(item, options.protocol),
              fewshot: fewshotText(shots),
            },
            assert: choiceAssertions(options.protocol, item.gold),
            ...continuationsOf(options.protocol, item.choices),
          },
          where: { file: row.file, line: row.line },
        });
      }
    }
    return tests;
  },
});

function queryOf(item: ArcItem, protocol: ChoiceProtocol): string {
  return protocol === 'loglikelihood' ? `Question: ${item.question}\nAnswer:` : `Question: ${item.question}\n${formatChoices(item.choices)}\nAnswer:`;
}

function answerOf(item: ArcItem, protocol: ChoiceProtocol): string {
  return protocol === 'loglikelihood' ? item.choices[item.gold]! : LETTERS[item.gold]!;
}

function parse(row: JsonlRow): ArcItem {
  const where = { file: row.file, line: row.line };
  const { labels, texts, question } = layoutOf(row);
  if (labels.length < 2 || labels.length !== texts.length) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line} has no list of choices with labels and texts (is this an ARC file?)`, { where });
  }
  const key = stringField(row, 'answerKey', 'ARC');
  const gold = labels.indexOf(key);
  if (gold === -1 || gold >= LETTERS.length) {
    throw new LlmlabError('DATASET_INVALID', `line ${row.line}: answerKey \`${key}\` is not one of the labels ${labels.join(', ')}`, { where });
  }
  return { id: stringField(row, 'id', 'ARC'), question, choices: texts, gold };
}

/** The choices and question of either layout. */
function layoutOf(row: JsonlRow): { labels: string[]; texts: string[]; question: string } {
  const question = row.value['question'];
  if (typeof question === 'string') {
    const choices = row.value['choices'] as Record<string, unknown> | undefined;
    const labels = Array.isArray(choices?.['label']) ? choices['label'].map(String) : [];
    const texts = Array.isArray(choices?.['text']) ? choices['text'].map(String) : [];
    return { labels, texts, question };
  }
  const raw = (question as Record<string, unknown> | undefined)?.['choices'];
  const list = Array.isArray(raw) ? (raw as Array<Record<string, unknown>>) : [];
  return {
    labels: list.map((c) => String(c['label'])),
    texts: list.map((c) => String(c['text'])),
    question: stringField(row, 'question.stem', 'ARC'),
  };
}
