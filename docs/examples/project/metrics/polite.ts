// metrics/polite.ts: a plain function, like a `javascript` file: module ...
export default (output: string, { value }: { value?: unknown }) =>
  /please|thank you/i.test(output) ? { pass: true, reason: 'polite' } : { pass: false, score: 0, reason: `not polite (wanted ${String(value ?? 'please')})` };
// ... or a full plugin: export default defineMetric({ id: 'polite', optionsSchema, prepare, score }) from 'llmlab'
