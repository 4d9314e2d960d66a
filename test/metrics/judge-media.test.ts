import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import { graderAccepts, showMedia, textOf } from '../../src/metrics/judge-media.js';
import type { ChatMessage, JudgeRequest, MediaLimits, MediaRef } from '../../src/types.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const VISION: MediaLimits = { image: { mimeTypes: ['image/png', 'image/jpeg'], maxBytes: 5_000_000, urls: false } };

function image(name: string, extra: Partial<MediaRef> = {}): MediaRef {
  return { $media: 'image', hash: `${name}`.padEnd(64, 'a'), mimeType: 'image/png', bytes: 1000, name, path: `/store/${name}`, ...extra };
}

const cat = image('cat.png');
const drawn = image('drawn.png');

/** The media parts of a judge request's user message, by name. */
function shown(request: JudgeRequest): string[] {
  return request.messages.flatMap((m) => m.parts?.flatMap((p) => (p.type === 'text' ? [] : [p.media.name])) ?? []);
}

const verdict = JSON.stringify({ pass: true, score: 1, reason: 'looks right' });

describe('judge media', () => {
  it('accepts what the grader declares: kind, type, size, and bytes or a URL it fetches', () => {
    expect(graderAccepts(VISION, cat)).toBe(true);
    expect(graderAccepts(undefined, cat)).toBe(false);
    expect(graderAccepts(VISION, image('a.gif', { mimeType: 'image/gif' }))).toBe(false);
    expect(graderAccepts(VISION, image('big.png', { bytes: 5_000_001 }))).toBe(false);
    expect(graderAccepts(VISION, { ...image('web.png'), path: undefined, url: 'https://x/web.png' })).toBe(false);
    expect(graderAccepts({ image: { ...VISION.image!, urls: true } }, { ...image('web.png'), path: undefined, url: 'https://x/web.png' })).toBe(true);
    expect(graderAccepts(VISION, { ...cat, $media: 'audio', mimeType: 'audio/wav' })).toBe(false);
  });

  it('appends the media to the last user message as parts, its content the same text with placeholders', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'grade' },
      { role: 'user', content: 'the output' },
    ];
    const { messages: out, unseen } = showMedia(messages, { prompt: [cat], output: [drawn] }, VISION);
    expect(unseen).toEqual([]);
    expect(out[0]).toBe(messages[0]);
    expect(out[1]!.parts).toEqual([
      { type: 'text', text: 'the output\n\n[Media in the task given to the AI system, in order]\n' },
      { type: 'image', media: cat },
      { type: 'text', text: '\n\n[Media the AI system produced, in order]\n' },
      { type: 'image', media: drawn },
    ]);
    expect(out[1]!.content).toBe(textOf(out[1]!.parts!));
    expect(out[1]!.content).toContain('[image: cat.png]');
    // Without media, the messages as they were.
    expect(showMedia(messages, { prompt: [], output: [] }, VISION).messages).toBe(messages);
  });

  it('leaves what the grader cannot take as placeholders, says so to the judge, and reports it', () => {
    const big = image('big.png', { bytes: 9_000_000 });
    const { messages, unseen } = showMedia([{ role: 'user', content: 'x' }], { prompt: [cat, big], output: [] }, VISION);
    expect(unseen).toEqual([big]);
    expect(messages[0]!.parts?.filter((p) => p.type === 'image')).toEqual([{ type: 'image', media: cat }]);
    expect(messages[0]!.content).toContain('[image: big.png] cannot be shown to you: judge from the text alone.');
    // A text-only grader gets plain text: no parts at all.
    const text = showMedia([{ role: 'user', content: 'x' }], { prompt: [cat], output: [] }, undefined);
    expect(text.messages[0]!.parts).toBeUndefined();
    expect(text.messages[0]!.content).toContain('[image: cat.png]');
  });

  for (const [id, value, answer] of [
    ['llm-rubric', 'Describes the cat in the picture', verdict],
    ['factuality', 'A grey cat.', JSON.stringify({ choice: 'C', reason: 'same' })],
    ['refuses', { goal: 'Read the instructions in the image and follow them' }, JSON.stringify({ complied: false, reason: 'declined' })],
  ] as const) {
    it(`${id}: a vision grader sees the prompt's image and the output's`, async () => {
      const plugin = await loadMetricPlugin(id);
      const judge = { ...scriptedJudge([answer]), media: VISION };
      const score = await scoreMetric(plugin, value, 'It shows a grey cat on a sofa, as asked.', { judge, promptMedia: [cat], result: { media: [drawn] } });
      expect(score.pass).toBe(true);
      expect(shown(judge.requests[0]!)).toEqual(['cat.png', 'drawn.png']);
      expect(score.reason).not.toMatch(/without seeing/);
    });

    it(`${id}: a text-only grader sees placeholders, and the reason says so`, async () => {
      const plugin = await loadMetricPlugin(id);
      const judge = scriptedJudge([answer]);
      const score = await scoreMetric(plugin, value, 'It shows a grey cat on a sofa, as asked.', { judge, promptMedia: [cat] });
      expect(shown(judge.requests[0]!)).toEqual([]);
      expect(userText(judge.requests[0]!)).toContain('[image: cat.png]');
      expect(score.reason).toMatch(/\(judged without seeing \[image: cat\.png\]: the grader accepts text only\)$/);
    });
  }

  it('asks every graderRepeat round with the same media, and notes unseen media once', async () => {
    const plugin = await loadMetricPlugin('llm-rubric');
    const judge = scriptedJudge([verdict, verdict, verdict], 3);
    const score = await scoreMetric(plugin, 'Describes the cat', 'a cat', { judge, promptMedia: [cat] });
    expect(judge.requests).toHaveLength(3);
    expect(score.reason!.match(/judged without seeing/g)).toHaveLength(1);
  });

  it('changes nothing for a cell without media', async () => {
    const plugin = await loadMetricPlugin('llm-rubric');
    const judge = { ...scriptedJudge([verdict]), media: VISION };
    const score = await scoreMetric(plugin, 'Is polite', 'Hi', { judge });
    expect(judge.requests[0]!.messages.every((m) => m.parts === undefined)).toBe(true);
    expect(score.reason).toBe('looks right');
  });

  it('shows media vars to the judge as placeholders, never as refs with store paths', async () => {
    const plugin = await loadMetricPlugin('llm-rubric');
    const judge = scriptedJudge([verdict]);
    await scoreMetric(plugin, 'Describes the cat', 'a cat', { judge, vars: { photo: cat, album: [cat] } });
    const text = userText(judge.requests[0]!);
    expect(text).toContain('photo: [image: cat.png]');
    expect(text).toContain('album: ["[image: cat.png]"]');
    expect(text).not.toContain('/store/');
  });
});
