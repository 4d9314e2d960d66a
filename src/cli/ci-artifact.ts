/**
 * The name of the workflow artifact that holds the reports. Artifact names are unique within a workflow run, so
 * two jobs uploading `llmlab-report` collide (upload-artifact v4 refuses the second): the default name carries
 * the job id, the job's matrix values and the working directory, which tell the action's invocations apart.
 */
import { isAbsolute, relative } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Longest name built from matrix values; a longer matrix is told apart by its position instead. */
const MAX_MATRIX_CHARS = 80;

/**
 * `given` when set; else `llmlab-report`, then GITHUB_JOB, the values of LLMLAB_MATRIX (`toJSON(matrix)`, or the
 * job's position LLMLAB_JOB_INDEX when they are long or nested), and `cwd` relative to GITHUB_WORKSPACE when it
 * is not the workspace itself. Only letters, digits, `.`, `_` and `-` remain of each part.
 */
export function artifactName(given: string, env: Env, cwd: string): string {
  if (given.trim() !== '') return given.trim();
  return ['llmlab-report', env.GITHUB_JOB ?? '', ...jobParts(env, cwd)].map(clean).filter((p) => p !== '').join('-');
}

/**
 * What tells this job's sticky comment apart from its matrix siblings' (`eval-billing`); undefined outside a
 * matrix and at the workspace root, where the one plain comment stays.
 */
export function commentKey(env: Env, cwd: string): string | undefined {
  const parts = jobParts(env, cwd);
  return parts.length === 0 ? undefined : [env.GITHUB_JOB ?? '', ...parts].map(clean).filter((p) => p !== '').join('-');
}

/** The matrix values (or position) and the working directory, as far as they are set. */
function jobParts(env: Env, cwd: string): string[] {
  return [...matrixParts(env.LLMLAB_MATRIX, env.LLMLAB_JOB_INDEX), workingDirectory(cwd, env.GITHUB_WORKSPACE)].map(clean).filter((p) => p !== '');
}

function matrixParts(json: string | undefined, jobIndex: string | undefined): string[] {
  let matrix: unknown;
  try {
    matrix = JSON.parse(json ?? 'null');
  } catch {
    matrix = undefined;
  }
  if (matrix === null || typeof matrix !== 'object') return [];
  const values = Object.values(matrix as Record<string, unknown>);
  const scalar = values.every((v) => ['string', 'number', 'boolean'].includes(typeof v));
  const parts = values.map((v) => clean(String(v))).filter((p) => p !== '');
  if (scalar && parts.join('-').length <= MAX_MATRIX_CHARS) return parts;
  return jobIndex ? [`job${jobIndex}`] : [];
}

function workingDirectory(cwd: string, workspace: string | undefined): string {
  if (!workspace) return '';
  const inside = relative(workspace, cwd);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? '' : inside;
}

/** Characters upload-artifact refuses (`/`, `:`, `*`, …) and spaces become `-`. */
function clean(part: string): string {
  return part.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
}
