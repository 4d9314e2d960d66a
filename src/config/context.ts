/** What every resolution step of one suite shares. */
import type { ProblemList } from './problems.js';
import type { YamlSource } from './yaml-source.js';

export interface ResolveContext {
  /** Absolute path of the suite file. */
  file: string;
  baseDir: string;
  source: YamlSource;
  problems: ProblemList;
  /** The project's user metrics (name → absolute module path), from llmlab.config.yaml. */
  metrics: Readonly<Record<string, string>>;
  /** Every file read so far, the suite first. */
  sources: string[];
}

/** Records a file as read (once). */
export function addSource(context: ResolveContext, file: string): void {
  if (!context.sources.includes(file)) context.sources.push(file);
}
