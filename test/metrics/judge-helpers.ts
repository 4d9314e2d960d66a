/**
 * An in-process judge for metric unit tests: scripted grader answers and the mock provider's offline
 * embedding, with every request recorded. Engine and provider tests use the real path and the fake servers.
 */
import { mockEmbedding } from '../../src/providers/mock-embedding.js';
import type { Judge, JudgeRequest } from '../../src/types.js';

export interface ScriptedJudge extends Judge {
  requests: JudgeRequest[];
  embedded: string[][];
}

/**
 * A judge whose grader answers `answers[round]` (cycling), or what `answers(request)` returns, as the raw output
 * text of a structured call.
 */
export function scriptedJudge(answers: string[] | ((request: JudgeRequest) => string), repeat = 1): ScriptedJudge {
  const requests: JudgeRequest[] = [];
  const embedded: string[][] = [];
  return {
    repeat,
    requests,
    embedded,
    async generate(request) {
      requests.push(request);
      const output = typeof answers === 'function' ? answers(request) : answers[(request.round ?? 0) % answers.length]!;
      return { output };
    },
    async embed(texts) {
      embedded.push(texts);
      return texts.map(mockEmbedding);
    },
  };
}

/** The user message of a judge request: where the graded output and the context are. */
export function userText(request: JudgeRequest): string {
  return request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}
