/** Fake API servers on 127.0.0.1 for tests, examples and the benchmark. */
export { fakeFineTuning, startFakeOpenAI } from './openai.js';
export type { FineTuneFake, FineTuneScript } from './openai.js';
export { startFakeAzure } from './azure.js';
export { startFakeAnthropic } from './anthropic.js';
export { startFakeOllama } from './ollama.js';
export { startFakeGoogle } from './google.js';
export { startFakeBedrock } from './bedrock.js';
export { answerByModel, countTokens, echoAnswer, embedText } from './harness.js';
export type { FakeBehaviour, FakeFailure, FakeServer, RecordedRequest } from './harness.js';
