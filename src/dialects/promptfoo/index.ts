/** The promptfoo dialect: detect a promptfoo config and translate it into an llmlab SuiteFile. */
export { detectPromptfoo } from './detect.js';
export { translatePromptfoo } from './translate.js';
export type { DialectDeps, DialectRow, Origin, RunSettings, SourceDoc, Translation, Untranslated } from './types.js';
