/** A suite of `tests` questions on one OpenAI provider pointed at a fake server, written into `dir` with its config. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeOpenAISuite(dir: string, serverUrl: string, tests: number): void {
  const cases = Array.from({ length: tests }, (_, i) => JSON.stringify({ vars: { q: `question ${i}` } })).join('\n');
  writeFileSync(join(dir, 'cases.jsonl'), `${cases}\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${serverUrl}/v1" }\n` +
      `prompts: ["Answer: {{ q }}"]\ntests: file:cases.jsonl\ndefaultTest:\n  assert: [{ type: contains, value: question }]\n`,
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), 'concurrency: 2\n');
}
