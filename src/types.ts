/**
 * Shared domain types, in parts under src/types/ that import only each other (no cycle), so every layer (and every
 * plugin) can depend on them.
 * The vocabulary: a suite is providers × prompts × tests (× repeat); each combination is a cell; a cell is one
 * model call (`generate`) whose output is graded by the test's assertions (metrics).
 *
 * A few of these restate a shape of schemas/suite.schema.json (ChatMessage, TransformStep, Severity) rather than
 * import the derived types, so the plugin contracts do not depend on the file format's;
 * test/config/generated-types.test.ts fails to compile when they drift apart.
 */
export * from './types/model-call.js';
export * from './types/media.js';
export * from './types/assertion.js';
export * from './types/run.js';
export * from './types/attack.js';
