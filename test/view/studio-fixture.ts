/**
 * A project for the studio's tests: suites/support.yaml (comments to keep, an inline prompt and a `file:` prompt,
 * a scripted `mock` model and `echo`, three tests — one whose answer is markup) and a broken suite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The mock's answer to the refund question: markup that must stay text on the page. */
export const MARKUP_ANSWER = 'We refund within 30 days. <img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

export const SUPPORT_SUITE = `# Studio fixture: this comment must survive a save.
description: Studio fixture
providers:
  - id: mock
    label: bot
    config:
      answers:
        - match: SHOUT
          output: OPEN ALL DAY
        - match: refund
          output: '${MARKUP_ANSWER.replaceAll("'", "''")}'
      default: We are open 9 to 5.   # the default answer
  - id: echo
    label: parrot
prompts:
  # the inline prompt
  - id: ask
    template: |
      Answer the customer: {{ question }}
  - file: ../prompts/greet.txt   # a file prompt (id greet)
tests:
  - id: refund
    description: refund policy
    vars: { question: What is your refund policy? }
    assert:
      - type: contains
        value: refund
  - id: hours
    description: opening hours
    vars: { question: When are you open? }
    assert:
      - type: icontains
        value: open
  - id: thanks
    vars: { question: Thanks! }
    assert:
      - type: icontains
        value: open
`;

export const GREETING = 'Greet the customer who asked: {{ question }}\n';

/** The broken suite's YAML error is on line 3. */
export const BROKEN_SUITE = 'providers: [echo]\nprompts: [hi]\ntests: [ {vars: }\n';

/** A provider that answers after a minute: a run on it is in flight until stopped. */
const SLOW_PROVIDER = '  - id: mock\n    label: slow\n    config: { latencyMs: 60000 }\n';

/** Writes the fixture into `dir` (a project root); `slow` adds the provider `slow` to the suite. */
export function writeStudioProject(dir: string, options: { slow?: boolean } = {}): void {
  mkdirSync(join(dir, 'suites'), { recursive: true });
  mkdirSync(join(dir, 'prompts'), { recursive: true });
  const suite = options.slow ? SUPPORT_SUITE.replace('prompts:\n', `${SLOW_PROVIDER}prompts:\n`) : SUPPORT_SUITE;
  writeFileSync(join(dir, 'suites', 'support.yaml'), suite);
  writeFileSync(join(dir, 'suites', 'broken.yaml'), BROKEN_SUITE);
  writeFileSync(join(dir, 'prompts', 'greet.txt'), GREETING);
}
