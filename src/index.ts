/**
 * llmlab's public API: authoring helpers for suites and plugins, the public types, and the engine entry points
 * for running a suite from code.
 */
export { defineMetric, defineProvider } from './types.js';
export { defineAttack } from './attacks/types.js';
export type { AttackContext, AttackGoal, AttackPlugin, AttackTarget, AttackTest } from './attacks/types.js';
export type {
  Assertion,
  AssertionJudge,
  AssertionResult,
  AttackInfo,
  AttackPlan,
  AttackRecord,
  AttackTurns,
  CellResult,
  CellStatus,
  ChatMessage,
  EmbedResult,
  GenerateContext,
  GenerateRequest,
  GenerateResult,
  JsonSchema,
  Judge,
  JudgeRequest,
  MetricInput,
  MetricJudgeUse,
  MetricPlugin,
  MetricScore,
  Provider,
  ProviderPlugin,
  ProviderSpec,
  RunEvent,
  RunStatus,
  Severity,
  SimpleTransformStep,
  StructuredOutput,
  TestCase,
  TokenUsage,
  TransformStep,
} from './types.js';
export { LlmlabError, ProviderError } from './errors.js';
export type { ErrorCode, SourceLocation } from './errors.js';
export type { SuiteFile, ResolvedSuite, ProjectConfig } from './config/types.js';
export { loadSuite } from './config/load-suite.js';
export { loadProjectConfig } from './config/project-config.js';
export { createEventBus } from './engine/events.js';
export { createPlan } from './engine/plan.js';
export { runSuite } from './engine/run.js';
export type { RunSuiteOptions, RunOutcome } from './engine/run.js';
export { openStore } from './store/index.js';
