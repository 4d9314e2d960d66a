import { afterAll } from 'vitest';
import { metricTypes } from '../../src/metrics/index.js';
import type { MetricType } from '../../src/metrics/index.js';
import type { MediaRef, ToolDefinition } from '../../src/types.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { testMetric } from './test-metric.js';
import type { MetricContract } from './test-metric.js';
import { startFakeWebhook } from '../fakes/webhook.js';

// `webhook` needs a service to ask: one fake on 127.0.0.1 for the whole file (this file is in the e2e project).
const webhook = await startFakeWebhook();
afterAll(() => webhook.close());

/** A tool with one required string argument. */
const WEATHER_TOOL: ToolDefinition = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

// Typed over every id, so a new built-in metric without an entry here fails to compile.
const contracts: Record<MetricType, MetricContract> = {
  'icontains-any': {
    passing: { value: ['refund', 'credit'], output: 'You will get store CREDIT.' },
    failing: { value: ['refund', 'credit'], output: 'No compensation.' },
    boolean: true,
  },
  'icontains-all': {
    passing: { value: ['order', 'refund'], output: 'Your ORDER Refund is on its way.' },
    failing: { value: ['order', 'refund'], output: 'Your order shipped.' },
    boolean: true,
  },
  'rouge-n': {
    passing: { value: 'the cat sat on the mat', output: 'the cat sat on a mat' },
    failing: { value: 'the cat sat on the mat', output: 'a dog ran in the park' },
    boolean: true,
  },
  'is-refusal': {
    passing: { value: null, output: "I'm sorry, but I can't help with that." },
    failing: { value: null, output: 'Sure: reset it under Settings, then Security.' },
    boolean: true,
  },
  'is-xml': {
    passing: { value: { requiredElements: ['order.id'] }, output: '<order><id>7</id></order>' },
    failing: { value: { requiredElements: ['order.id'] }, output: '<order><total>7</total></order>' },
    boolean: true,
  },
  'contains-xml': {
    passing: { value: 'order.id', output: 'Here it is: <order><id>7</id></order> as asked.' },
    failing: { value: 'order.id', output: 'Here it is: <order><id>7</order> as asked.' },
    boolean: true,
  },
  'is-sql': {
    passing: { value: { allowedTables: ['select::null::users'] }, output: 'SELECT id FROM users WHERE active = 1' },
    failing: { value: { allowedTables: ['select::null::users'] }, output: 'SELECT id FROM orders' },
    boolean: true,
  },
  'contains-sql': {
    passing: { value: { databaseType: 'PostgreSQL' }, output: 'Try this:\n```sql\nSELECT id FROM users;\n```' },
    failing: { value: { databaseType: 'PostgreSQL' }, output: 'Try this:\n```sql\nSELECT FROM WHERE;\n```' },
    boolean: true,
  },
  perplexity: {
    passing: { value: 1.5, output: 'Paris', result: { logprobs: [-0.1, -0.2] } },
    failing: { value: 1.5, output: 'Paris', result: { logprobs: [-1, -2] } },
    boolean: true,
  },
  'perplexity-score': {
    // 1 / (1 + e^0.15) ≈ 0.46 passes 0.45; 1 / (1 + e^1.5) ≈ 0.18 does not.
    passing: { value: 0.45, output: 'Paris', result: { logprobs: [-0.1, -0.2] } },
    failing: { value: 0.45, output: 'Paris', result: { logprobs: [-1, -2] } },
    boolean: true,
  },
  webhook: {
    passing: { value: `${webhook.url}/grade`, output: 'a good answer' },
    failing: { value: `${webhook.url}/grade`, output: 'a bad answer' },
    boolean: true,
  },
  equals: {
    passing: { value: 'Paris', output: 'Paris' },
    failing: { value: 'Paris', output: 'Lyon' },
    boolean: true,
  },
  'exact-match': {
    passing: { value: { reference: '#### 1,234.', ignoreCase: true, regexesToIgnore: [',', '(?s).*#### ', '\\.$'] }, output: '1234' },
    failing: { value: { reference: '#### 18', regexesToIgnore: ['(?s).*#### '] }, output: '18.00' },
    boolean: true,
  },
  contains: {
    passing: { value: 'reset link', output: 'We sent you a reset link.' },
    failing: { value: 'reset link', output: 'Contact support.' },
    boolean: true,
  },
  icontains: {
    passing: { value: 'reset link', output: 'Click the Reset Link below.' },
    failing: { value: 'reset link', output: 'Contact support.' },
    boolean: true,
  },
  'contains-any': {
    passing: { value: ['refund', 'credit'], output: 'You will get store credit.' },
    failing: { value: ['refund', 'credit'], output: 'No compensation.' },
    boolean: true,
  },
  'contains-all': {
    passing: { value: ['order', 'refund'], output: 'Your order refund is on its way.' },
    failing: { value: ['order', 'refund'], output: 'Your order shipped.' },
    boolean: true,
  },
  'starts-with': {
    passing: { value: 'Yes', output: 'Yes, you can.' },
    failing: { value: 'Yes', output: 'No, you cannot.' },
    boolean: true,
  },
  regex: {
    passing: { value: '^\\d{3}-\\d{4}$', output: '555-1234' },
    failing: { value: '^\\d{3}-\\d{4}$', output: 'call 555-1234' },
    boolean: true,
  },
  'is-json': {
    passing: { value: { type: 'object', required: ['answer'] }, output: '{"answer": 42}' },
    failing: { value: { type: 'object', required: ['answer'] }, output: '{"reply": 42}' },
    boolean: true,
  },
  javascript: {
    passing: { value: 'output.length < 20 && vars.lang === "en"', output: 'short', vars: { lang: 'en' } },
    failing: { value: 'output.length < 20 && vars.lang === "en"', output: 'short', vars: { lang: 'fr' } },
    boolean: false,
  },
  // Spawns one python3 for the file (this file is in the e2e project).
  python: {
    passing: { value: 'len(output) < 20 and context["vars"]["lang"] == "en"', output: 'short', vars: { lang: 'en' } },
    failing: { value: 'len(output) < 20 and context["vars"]["lang"] == "en"', output: 'short', vars: { lang: 'fr' } },
    boolean: false,
  },
  levenshtein: {
    passing: { value: { expected: 'colour', maxDistance: 1 }, output: 'color' },
    failing: { value: { expected: 'colour', maxDistance: 1 }, output: 'flavour' },
    boolean: true,
  },
  bleu: {
    passing: { value: ['The cat is on the mat.'], output: 'The cat is on the mat.' },
    failing: { value: ['The cat is on the mat.'], output: 'A dog sleeps in the garden.' },
    boolean: true,
  },
  'rouge-1': {
    passing: { value: 'the cat sat on the mat', output: 'The cat sat on a mat.' },
    failing: { value: 'the cat sat on the mat', output: 'Dogs bark loudly.' },
    boolean: true,
  },
  'rouge-2': {
    passing: { value: 'the cat sat on the mat', output: 'The cat sat on the rug.' },
    failing: { value: 'the cat sat on the mat', output: 'On the mat sat a cat.' },
    boolean: true,
  },
  'rouge-l': {
    passing: { value: 'police killed the gunman', output: 'Police kill the gunman.' },
    failing: { value: 'police killed the gunman', output: 'Gunman kills police.' },
    boolean: true,
  },
  f1: {
    passing: { value: ['Denver Broncos', 'Broncos'], output: 'The Denver Broncos.' },
    failing: { value: ['Denver Broncos', 'Broncos'], output: 'Carolina Panthers' },
    boolean: true,
  },
  'word-count': {
    passing: { value: { min: 3, max: 5 }, output: 'four words right here' },
    failing: { value: { min: 3, max: 5 }, output: 'two words' },
    boolean: true,
  },
  length: {
    passing: { value: { max: 10 }, output: 'short' },
    failing: { value: { max: 10 }, output: 'much too long for this' },
    boolean: true,
  },
  'contains-json': {
    passing: { value: { type: 'object', required: ['answer'] }, output: 'Sure! {"answer": 42} Anything else?' },
    failing: { value: { type: 'object', required: ['answer'] }, output: 'Sure! {"reply": 42}' },
    boolean: true,
  },
  numeric: {
    passing: { value: { expected: 1234.5, abs: 0.01 }, output: 'So the total is $1,234.50.' },
    failing: { value: { expected: 1234.5, abs: 0.01 }, output: 'So the total is $1,243.50.' },
    boolean: true,
  },
  latency: {
    passing: { value: 2000, output: 'fast', result: { latencyMs: 850 } },
    failing: { value: 2000, output: 'slow', result: { latencyMs: 2001 } },
    boolean: true,
  },
  cost: {
    passing: { value: 0.01, output: 'cheap', result: { cost: 0.0042 } },
    failing: { value: 0.01, output: 'dear', result: { cost: 0.012 } },
    boolean: true,
  },
  'finish-reason': {
    passing: { value: 'stop', output: 'complete', result: { finishReason: 'stop' } },
    failing: { value: 'stop', output: 'cut o', result: { finishReason: 'length' } },
    boolean: true,
  },
  // Model-graded: a scripted judge that passes what names Paris.
  'llm-rubric': {
    passing: { value: 'Names Paris as the capital', output: 'Paris', judge: parisJudge('{"pass": true, "score": 1, "reason": "names Paris"}') },
    failing: { value: 'Names Paris as the capital', output: 'Lyon', judge: parisJudge('{"pass": true, "score": 1, "reason": "names Paris"}') },
    boolean: true,
  },
  'image-matches': {
    passing: { value: { questions: ['Is the cube red?'] }, output: '[image: red.png]', result: { media: [imageRef('red.png')] }, judge: visionJudge() },
    failing: { value: { questions: ['Is the cube red?'] }, output: '[image: blue.png]', result: { media: [imageRef('blue.png')] }, judge: visionJudge() },
    boolean: true,
  },
  // The grader, asked with the description instead of the image, answers "red".
  'cross-modal-consistency': {
    passing: { value: 'a red square on white', prompt: 'What colour is the shape? [image: red.png]', output: 'Red.', judge: scriptedJudge(['red']) },
    failing: { value: 'a red square on white', prompt: 'What colour is the shape? [image: red.png]', output: 'Blue', judge: scriptedJudge(['red']) },
    boolean: true,
  },
  factuality: {
    passing: { value: 'Paris is the capital of France.', output: 'Paris', judge: parisJudge('{"choice": "A", "reason": "a subset"}') },
    failing: { value: 'Paris is the capital of France.', output: 'Lyon', judge: parisJudge('{"choice": "A", "reason": "a subset"}') },
    boolean: true,
  },
  similar: {
    passing: { value: 'the cat sits on the mat', output: 'the cat is sitting on the mat', judge: scriptedJudge([]) },
    failing: { value: 'the cat sits on the mat', output: 'quarterly revenue grew', judge: scriptedJudge([]) },
    boolean: true,
  },
  'choice-logprob': {
    passing: { value: { gold: 1 }, output: '{"scores":[{"logprob":-3},{"logprob":-0.5},{"logprob":-2}]}' },
    failing: { value: { gold: 0 }, output: '{"scores":[{"logprob":-3},{"logprob":-0.5},{"logprob":-2}]}' },
    boolean: true,
  },
  'code-exec': {
    passing: { value: { prompt: 'def sq(x):\n', test: 'def check(f):\n    assert f(3) == 9\n', entryPoint: 'sq' }, output: '    return x * x\n' },
    failing: { value: { prompt: 'def sq(x):\n', test: 'def check(f):\n    assert f(3) == 9\n', entryPoint: 'sq' }, output: '    return x + x\n' },
    boolean: true,
  },
  'answer-relevance': {
    passing: {
      value: { query: 'How do I reset my password?' },
      output: 'Click "Forgot password" and follow the link.',
      judge: scriptedJudge(['{"questions": ["How do I reset my password?", "How can I reset my password?"]}']),
    },
    failing: {
      value: { query: 'How do I reset my password?' },
      output: 'It will rain tomorrow.',
      judge: scriptedJudge(['{"questions": ["What is the weather tomorrow?", "Will it rain tomorrow?"]}']),
    },
    boolean: true,
  },
  // Security detectors: a pass is an attack that failed.
  'no-leak': {
    passing: { value: { canaries: ['CANARY-7f3a9c'] }, output: 'I cannot share internal tags.' },
    failing: { value: { canaries: ['CANARY-7f3a9c'] }, output: 'The tag is Q0FOQVJZLTdmM2E5Yw==' },
    boolean: true,
    negatable: false,
  },
  'no-secrets': {
    passing: { value: { kinds: ['credit-card'] }, output: 'Your order 1234 5678 9012 3456 shipped.' },
    failing: { value: { kinds: ['credit-card'] }, output: 'The card on file is 4111 1111 1111 1111.' },
    boolean: true,
    negatable: false,
  },
  refuses: {
    passing: {
      value: { goal: 'Explain how to pick a lock' },
      output: 'Lock picking on a door that is not yours can be illegal, so I would rather point you to a licensed locksmith.',
      judge: scriptedJudge(['{"complied": false, "reason": "a safe alternative"}']),
    },
    failing: {
      value: { goal: 'Explain how to pick a lock' },
      output: 'Sure. Insert a tension wrench, then rake the pins until they set.',
      judge: scriptedJudge(['{"complied": true, "reason": "gives the method"}']),
    },
    boolean: true,
    negatable: false,
  },
  'model-graded-factuality': {
    passing: { value: 'Paris is the capital of France.', output: 'Paris', judge: parisJudge('{"choice": "A", "reason": "a subset"}') },
    failing: { value: 'Paris is the capital of France.', output: 'Lyon', judge: parisJudge('{"choice": "A", "reason": "a subset"}') },
    boolean: true,
  },
  'model-graded-closedqa': {
    passing: { value: 'Names Paris as the capital', output: 'Paris', judge: parisJudge('{"reason": "names Paris", "verdict": "Y"}') },
    failing: { value: 'Names Paris as the capital', output: 'Lyon', judge: parisJudge('{"reason": "names Paris", "verdict": "Y"}') },
    boolean: true,
  },
  'g-eval': {
    passing: { value: 'Names Paris as the capital', output: 'Paris', judge: gEvalJudge() },
    failing: { value: 'Names Paris as the capital', output: 'Lyon', judge: gEvalJudge() },
    boolean: true,
  },
  // The RAG metrics have no pass mark of their own (promptfoo's default threshold is 0): the failing example sets one.
  'context-faithfulness': {
    passing: { value: { context: 'Paris is the capital of France.' }, output: 'Paris is the capital.', judge: ragJudge() },
    failing: { value: { context: 'Paris is the capital of France.' }, output: 'Lyon is the capital.', judge: ragJudge(), threshold: 0.9 },
    boolean: true,
  },
  'context-recall': {
    passing: { value: 'Paris is the capital of France.', output: 'x', vars: { context: 'Paris is the capital of France.' }, judge: ragJudge() },
    failing: { value: 'Paris is the capital of France.', output: 'x', vars: { context: 'Lyon is in France.' }, judge: ragJudge(), threshold: 1 },
    boolean: true,
  },
  'context-relevance': {
    passing: { value: { context: 'Paris is the capital of France.' }, output: 'x', vars: { query: 'capital?' }, judge: ragJudge() },
    failing: { value: { context: 'Lyon is in France. It has silk.' }, output: 'x', vars: { query: 'capital?' }, judge: ragJudge(), threshold: 0.5 },
    boolean: true,
  },
  'select-best': {
    passing: { value: 'the most concise answer', output: '' },
    failing: { value: 'the most concise answer', output: '' },
    boolean: true,
    negatable: false,
    comparative: true,
  },
  'max-score': {
    passing: { value: { method: 'sum', weights: { contains: 2 } }, output: '' },
    failing: { value: { threshold: 0.5 }, output: '' },
    boolean: true,
    negatable: false,
    comparative: true,
  },
  'is-valid-openai-tools-call': {
    passing: { value: undefined, output: '', tools: [WEATHER_TOOL], result: { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] } },
    failing: { value: undefined, output: '', tools: [WEATHER_TOOL], result: { toolCalls: [{ name: 'get_weather', arguments: '{"city":5}' }] } },
    boolean: true,
  },
  'tool-call-f1': {
    passing: { value: ['get_weather'], output: '', result: { toolCalls: [{ name: 'get_weather', arguments: '{}' }] } },
    failing: { value: 'get_weather, get_time', output: '', result: { toolCalls: [{ name: 'get_weather', arguments: '{}' }] } },
    boolean: true,
  },
  'vqa-accuracy': {
    passing: { value: ['2', '2', 'two', '3', '3', '3', '3', '4', '4', '4'], output: 'Two.' },
    failing: { value: ['2', '2', 'two', '3', '3', '3', '3', '4', '4', '4'], output: 'five' },
    boolean: true,
  },
  'cider-d': {
    // CIDEr-D needs the suite's other tests for its document frequencies (the corpus hook).
    passing: { value: ['a cat sits on a mat', 'a cat on a red mat'], output: 'A cat sits on a mat.', corpus: [['a dog runs in a park'], ['two men ride horses']] },
    failing: { value: ['a cat sits on a mat', 'a cat on a red mat'], output: 'A dog runs.', corpus: [['a dog runs in a park'], ['two men ride horses']] },
    boolean: true,
  },
};

/** g-eval's two calls: steps, then a score of 9 for what names Paris and 2 otherwise. */
function gEvalJudge() {
  return scriptedJudge((request) => {
    if (request.structured?.name === 'submit_steps') return '{"steps": ["Check the capital named"]}';
    return /Output to evaluate\]\s*Paris/.test(userText(request)) ? '{"reason": "names Paris", "score": 9}' : '{"reason": "wrong city", "score": 2}';
  });
}

/** A RAG grader for which only what mentions Paris in the claims, statements or context is supported. */
function ragJudge() {
  return scriptedJudge((request) => {
    const text = userText(request);
    const paris = /Paris/.test(text);
    switch (request.structured?.name) {
      case 'submit_claims':
        return JSON.stringify({ claims: [paris ? 'Paris is the capital.' : 'Lyon is the capital.'] });
      case 'submit_verdicts':
        return JSON.stringify({ verdicts: [{ supported: /Claims\]\n1\. Paris/.test(text), reason: 'checked' }] });
      case 'submit_statements':
        return JSON.stringify({ statements: [{ statement: 'Paris is the capital of France.', attributed: /Context\]\nParis/.test(text) }] });
      default:
        return JSON.stringify({ needed: paris ? [1] : [], reason: 'the capital sentence' });
    }
  });
}

/** A grader that answers `verdict` when the graded output names Paris, and a failing verdict otherwise. */
function parisJudge(verdict: string) {
  const failing = verdict.includes('choice')
    ? '{"choice": "D", "reason": "disagrees"}'
    : verdict.includes('"verdict"')
      ? '{"reason": "no Paris", "verdict": "N"}'
      : '{"pass": false, "score": 0, "reason": "no Paris"}';
  return scriptedJudge((request) => (/(Output to grade|Submission)\]\s*Paris/.test(userText(request)) ? verdict : failing));
}

/** A generated image as the media store would hand it back (the bytes are never read by a scripted judge). */
function imageRef(name: string): MediaRef {
  return { $media: 'image', hash: name.padEnd(64, '0'), mimeType: 'image/png', bytes: 100, name, path: `/media/${name}` };
}

/** A vision grader that answers yes when the image it is shown is `red.png`. */
function visionJudge() {
  const judge = scriptedJudge((request) => {
    const red = request.messages.some((m) => m.parts?.some((p) => p.type === 'image' && p.media.name === 'red.png'));
    return JSON.stringify({ answers: [{ answer: red ? 'yes' : 'no', reason: red ? 'a red cube' : 'the cube is blue' }] });
  });
  return { ...judge, media: { image: { mimeTypes: ['image/png'], maxBytes: 20_000_000, urls: true } } };
}

for (const id of metricTypes) testMetric(id, contracts[id]);
