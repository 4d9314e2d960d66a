/**
 * What one call to a cell's target gave. run-cell.ts makes these and attack-cell.ts (a conversation of such calls)
 * reads them; the type sits apart so that the lazily loaded attack-cell.ts does not import run-cell.ts back.
 */
import type { GenerateResult } from '../types.js';

/** What a target call gave: an answer (maybe cached), a failure after retries, or a budget refusal. */
export type TargetCall =
  | { kind: 'answer'; result: GenerateResult; cached: boolean }
  | { kind: 'error'; message: string }
  | { kind: 'refused'; worst: number };
