/**
 * `cross-modal-consistency`: the grader is asked the cell's prompt with the media swapped for its description, and
 * its answer is compared with the cell's (VQA-normalised, or by the grader).
 */
import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { prepareMetric } from './test-metric.js';

const PROMPT = 'How many dots are there? [image: img/dots.png] Answer with a number.';

describe('cross-modal-consistency', () => {
  it('asks the grader the same prompt with the image described in words, and compares normalised answers', async () => {
    const judge = scriptedJudge(['Two.']);
    const score = await prepareMetric(await loadMetricPlugin('cross-modal-consistency'), 'two blue dots on white', { prompt: PROMPT, judge });
    const same = await score('2');
    expect(same).toMatchObject({ pass: true, score: 1 });
    expect(same.reason).toBe('same answer with the media "2"; with the description "Two."');
    expect(judge.requests[0]!.messages).toEqual([
      { role: 'user', content: 'How many dots are there? [image described in words: two blue dots on white] Answer with a number.' },
    ]);
    expect(await score('three')).toMatchObject({ pass: false, score: 0 });
  });

  it('lets the grader decide with compare: judge, showing it both answers but not the description', async () => {
    const judge = scriptedJudge((request) => (request.structured ? '{"same": true, "reason": "both say two"}' : 'There are 2 dots.'));
    const score = await prepareMetric(await loadMetricPlugin('cross-modal-consistency'), { description: 'two blue dots', compare: 'judge' }, { prompt: PROMPT, judge });
    const result = await score('I count two dots');
    expect(result).toMatchObject({ pass: true, score: 1 });
    expect(result.reason).toContain('both say two');
    const asked = userText(judge.requests[1]!);
    expect(asked).toContain('[Answer 1]\nI count two dots');
    expect(asked).toContain('[Answer 2]\nThere are 2 dots.');
    expect(asked).toContain('How many dots are there? [image] Answer');
  });

  it('fails, saying why, when the prompt has no media, and refuses a missing description', async () => {
    const plugin = await loadMetricPlugin('cross-modal-consistency');
    const score = await prepareMetric(plugin, 'a cat', { prompt: 'no media here', judge: scriptedJudge(['x']) });
    expect(await score('x')).toEqual({ pass: false, score: 0, reason: 'the prompt has no image or audio to replace with its description' });
    await expect(prepareMetric(plugin, { description: ' ' })).rejects.toThrow(/needs the text description/);
  });
});
