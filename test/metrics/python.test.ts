/**
 * `python` with a real python3: inline code, `file:` scripts, verdicts, errors, time limit, a missing
 * interpreter, and one process serving every call. In the e2e project (it spawns Python).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGrader } from '../../src/engine/grade.js';
import python, { pythonWorker } from '../../src/metrics/python.js';
import type { Assertion, TestCase } from '../../src/types.js';
import { thrownAsyncLlmlabError } from '../thrown.js';
import { fixturesDir, prepareMetric, scoreMetric } from './test-metric.js';

// Set before the first worker is made, which snapshots the environment: the check asserts it never arrives.
process.env['OPENAI_API_KEY'] = 'sk-python-test-never-passed';
afterAll(() => {
  delete process.env['OPENAI_API_KEY'];
  pythonWorker().close();
});

const scripts = `${fixturesDir}python`;

describe('python', () => {
  it('runs a one-line expression with output and context in scope', async () => {
    const value = 'output.startswith("Hi") and context["vars"]["name"] in output';
    const score = await prepareMetric(python, value, { vars: { name: 'Ada' } });
    expect(await score('Hi Ada')).toEqual({ pass: true, reason: expect.stringContaining('returned True') });
    expect((await score('Hello Bob')).pass).toBe(false);
  });

  it('runs several lines as a function body; json, math and re are imported; print and stdin do not touch the protocol', async () => {
    const body = 'print("debugging")\nimport sys\nassert sys.stdin.read() == ""\nwords = re.findall(r"\\w+", output)\nif len(words) > 2:\n    return {"pass": True, "score": math.sqrt(0.25), "reason": json.dumps(words[:1])}\nreturn False\n';
    expect(await scoreMetric(python, body, 'one two three')).toEqual({ pass: true, score: 0.5, reason: '["one"]' });
    expect(await scoreMetric(python, body, 'one')).toEqual({ pass: false, reason: expect.any(String) });
  });

  it('calls get_assert of a file by default, a named function otherwise, with the assertion config', async () => {
    expect(await scoreMetric(python, 'file:checks.py', 'a refund', { baseDir: scripts, vars: { topic: 'refunds' } }))
      .toEqual({ pass: true, score: 0.75, reason: 'asked about refunds' });
    const named = { code: 'file:checks.py:is_short', config: { limit: 5 } };
    expect((await scoreMetric(python, named, 'tiny', { baseDir: scripts })).pass).toBe(true);
    expect((await scoreMetric(python, named, 'too long', { baseDir: scripts })).pass).toBe(false);
  });

  it('takes a number as the score: pass when > 0, or against the assertion threshold in the grader', async () => {
    expect(await scoreMetric(python, 'len(output) / 10', 'abcd')).toMatchObject({ pass: true, score: 0.4 });
    expect(await scoreMetric(python, '0', 'abcd')).toMatchObject({ pass: false, score: 0 });
    const grader = createGrader(fixturesDir);
    const assertion: Assertion = { type: 'python', negate: false, value: 'len(output) / 10', weight: 1, metric: 'python', threshold: 0.5 };
    const test: TestCase = { id: 't', index: 0, vars: {}, assert: [assertion] };
    const grade = (output: string) => grader.grade({ output, test, prompt: 'p', result: { output }, providerId: 'echo' });
    expect((await grade('abcd')).pass).toBe(false);
    expect((await grade('abcdef')).pass).toBe(true);
  });

  it('makes an exception, a wrong result or a broken script an error with the reason, never a pass', async () => {
    const raised = await thrownAsyncLlmlabError(() => scoreMetric(python, 'file:checks.py:broken', 'x', { baseDir: scripts }));
    expect(raised.code).toBe('METRIC_ERROR');
    expect(raised.message).toBe("python checks.py:broken raised KeyError: 'missing' (checks.py:19 in broken)");
    const inline = await thrownAsyncLlmlabError(() => scoreMetric(python, 'x = 1\nreturn x / 0', 'x'));
    expect(inline.message).toContain('raised ZeroDivisionError: division by zero (line 2 of the inline code)');
    const wrong = await thrownAsyncLlmlabError(() => scoreMetric(python, '"yes"', 'x'));
    expect(wrong.message).toContain('returned "yes"; expected a bool, a number or a dict');
    const noReturn = await thrownAsyncLlmlabError(() => scoreMetric(python, 'x = 1\ny = 2', 'x'));
    expect(noReturn.message).toContain('needs a `return`');
    const crash = await thrownAsyncLlmlabError(() => scoreMetric(python, 'import os, sys\nprint("last words", file=sys.stderr)\nos._exit(3)', 'x'));
    expect(crash.message).toBe('the Python process exited with code 3: last words');
    expect((await scoreMetric(python, 'True', 'x')).pass).toBe(true);
    // Mistakes in the suite stop the load (exit 2), before any model call.
    const syntax = await thrownAsyncLlmlabError(() => prepareMetric(python, 'output ==', {}));
    expect(syntax).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('does not compile') });
    const missing = await thrownAsyncLlmlabError(() => prepareMetric(python, 'file:checks.py:nope', { baseDir: scripts }));
    expect(missing).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('defines no function nope; it defines get_assert') });
  });

  it('serves every call from one process, passes no API key, and replaces a process that ran over its limit', async () => {
    const pid = await prepareMetric(python, 'file:checks.py:pid', { baseDir: scripts });
    const first = (await pid('a')).score;
    expect(await Promise.all([pid('b'), pid('c')])).toEqual([expect.objectContaining({ score: first }), expect.objectContaining({ score: first })]);
    expect(pythonWorker().pid).toBe(first);
    expect(await scoreMetric(python, 'file:checks.py:leaks', 'x', { baseDir: scripts })).toMatchObject({ pass: true });

    // Timed by the worker's timer, not by a sleep: the loop never ends on its own.
    const runaway = await thrownAsyncLlmlabError(() => scoreMetric(python, { code: 'while True:\n    pass', timeoutMs: 300 }, 'x'));
    expect(runaway).toMatchObject({ code: 'METRIC_ERROR', message: 'python `while True: pass` timed out after 300 ms' });
    const next = (await pid('d')).score;
    expect(next).not.toBe(first);
  });

  it('says how to fix a missing interpreter', async () => {
    process.env['LLMLAB_PYTHON'] = '/nonexistent/python3';
    try {
      const error = await thrownAsyncLlmlabError(() => prepareMetric(python, 'True', {}));
      expect(error.format()).toBe(
        'cannot run Python: `/nonexistent/python3` was not found\n  hint: install Python 3 (python3 on PATH), or set LLMLAB_PYTHON to the interpreter to use',
      );
      const worker = pythonWorker();
      const call = await thrownAsyncLlmlabError(() => worker.request({ op: 'call', code: 'True', output: '', context: {}, cwd: '/' }, 1000, '`True`'));
      expect(call.code).toBe('METRIC_ERROR');
    } finally {
      delete process.env['LLMLAB_PYTHON'];
    }
  });
});
