/**
 * HumanEval (Chen et al. 2021): JSON Lines with `task_id`, `prompt`, `canonical_solution`, `test` and
 * `entry_point`. The model completes the prompt; `code-exec` runs prompt + completion against the task's tests
 * in a sandbox. With `repeat: N` the repeat summary reports unbiased pass@k for k in {1, 10, N} up to N.
 */
import { defineBenchmark, readJsonlRows, stringField } from './benchmark.js';

export default defineBenchmark({
  id: 'humaneval',
  title: 'HumanEval Python code generation (functional correctness, pass@k; runs model code in a sandbox)',
  format: 'JSON Lines: {"task_id", "prompt", "canonical_solution", "test", "entry_point"} (HumanEval.jsonl, gunzipped)',
  source: 'https://github.com/openai/human-eval (data/HumanEval.jsonl.gz); also huggingface.co/datasets/openai/openai_humaneval',
  protocols: ['generate'],
  executesCode: true,
  async load(options) {
    const tests = [];
    for (const file of options.files) {
      for (const row of await readJsonlRows(file)) {
        const prompt = stringField(row, 'prompt', 'HumanEval');
        const entryPoint = stringField(row, 'entry_point', 'HumanEval');
        tests.push({
          test: {
            id: stringField(row, 'task_id', 'HumanEval'),
            vars: { prompt, entry_point: entryPoint },
            assert: [
              {
                type: 'code-exec',
                metric: 'pass',
                value: {
                  prompt,
                  test: stringField(row, 'test', 'HumanEval'),
                  entryPoint,
                  ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
                  ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
                },
              },
            ],
          },
          where: { file: row.file, line: row.line },
        });
      }
    }
    return tests;
  },
});
