/**
 * The one sticky pull-request comment of `llmlab ci comment`, over GitHub's REST API with GITHUB_TOKEN. The
 * comment is found again by a hidden marker, so every push updates it instead of adding another. The token goes
 * into the Authorization header and nowhere else: no message, log line or error ever contains it.
 */
import { readFileSync } from 'node:fs';
import { LlmlabError, messageOf } from '../errors.js';

/** First line of the comment; how the next run finds it. Invisible in the rendered comment. */
export const COMMENT_MARKER = '<!-- llmlab-report -->';

/** A leading marker line: the plain one, or one keyed to a matrix job (`<!-- llmlab-report:eval-billing -->`). */
const MARKER_LINE = /^\s*(<!-- llmlab-report(?::[\w.-]+)? -->)[ \t]*(?:\n|$)/;

/**
 * The marker of one job's comment. Matrix jobs each keep their own sticky comment (a shared one would show
 * whichever job finished last); a plain job keeps the plain marker, so its existing comment is still found.
 */
export function commentMarker(key?: string): string {
  return key ? `<!-- llmlab-report:${key} -->` : COMMENT_MARKER;
}

/** The marker the Markdown starts with (`llmlab ci head` writes it), else the plain one. */
export function markerOf(markdown: string): string {
  return MARKER_LINE.exec(markdown)?.[1] ?? COMMENT_MARKER;
}

/** GitHub rejects an issue comment longer than this (in characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Where to comment, and with what credential. */
export interface GitHubTarget {
  /** `https://api.github.com`, or GITHUB_API_URL (GitHub Enterprise, a fake server in tests). */
  apiUrl: string;
  /** `owner/name`. */
  repository: string;
  /** The pull request's number (pull requests are issues for comments). */
  issueNumber: number;
  token: string;
}

/** A comment as the list endpoint returns it; only what choosing one needs. */
export interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

/** The comment body: the marker, then the Markdown, cut to GitHub's limit with a note when it is longer. */
export function buildCommentBody(markdown: string, limit = GITHUB_COMMENT_LIMIT): string {
  const marker = markerOf(markdown);
  const body = `${marker}\n${markdown.replace(MARKER_LINE, '').trimEnd()}\n`;
  if (body.length <= limit) return body;
  const note = '\n\n… (cut to fit GitHub\'s comment limit: see the full report in the workflow artifact)\n';
  const cut = body.lastIndexOf('\n', limit - note.length);
  return `${body.slice(0, cut > marker.length ? cut : limit - note.length)}${note}`;
}

/**
 * The comment to update: the oldest one carrying the marker, preferring one a bot wrote (a person quoting the
 * marker in a reply should not have their comment overwritten). Undefined when there is none: create one.
 */
export function findStickyComment(comments: IssueComment[], marker = COMMENT_MARKER): IssueComment | undefined {
  const marked = comments.filter((c) => typeof c.body === 'string' && c.body.includes(marker));
  return marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
}

/** What {@link upsertStickyComment} did. */
export interface UpsertResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

/** Creates the sticky comment, or updates it in place when an earlier run left one. */
export async function upsertStickyComment(target: GitHubTarget, markdown: string, fetchImpl: typeof fetch = fetch): Promise<UpsertResult> {
  const body = buildCommentBody(markdown);
  const api = createApi(target, fetchImpl);
  const issue = `/repos/${target.repository}/issues/${target.issueNumber}/comments`;
  const existing = findStickyComment(await listAll(api, issue), markerOf(body));
  if (existing) {
    const updated = (await api('PATCH', `/repos/${target.repository}/issues/comments/${existing.id}`, { body })) as IssueComment;
    return { action: 'updated', id: updated.id ?? existing.id, ...(updated.html_url ? { url: updated.html_url } : {}) };
  }
  const created = (await api('POST', issue, { body })) as IssueComment;
  return { action: 'created', id: created.id, ...(created.html_url ? { url: created.html_url } : {}) };
}

/**
 * The target from the Actions environment: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN and the pull request
 * of GITHUB_EVENT_PATH's event (flags override). Undefined when the event is not a pull request.
 */
export function githubTargetFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  flags: { pr?: string | number; repo?: string } = {},
): GitHubTarget | undefined {
  const issueNumber = flags.pr !== undefined ? Number(flags.pr) : pullRequestNumber(env.GITHUB_EVENT_PATH);
  if (issueNumber === undefined) return undefined;
  if (!Number.isInteger(issueNumber) || issueNumber < 1) throw new LlmlabError('USAGE', `--pr must be a pull request number, got \`${String(flags.pr)}\``);
  const repository = flags.repo ?? env.GITHUB_REPOSITORY;
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new LlmlabError('USAGE', 'no repository to comment on', { hint: 'set GITHUB_REPOSITORY (Actions does) or pass --repo owner/name' });
  }
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (!token) {
    throw new LlmlabError('USAGE', 'no GitHub token to comment with', {
      hint: 'pass `github-token` to the action (default: the job\'s GITHUB_TOKEN), or set GITHUB_TOKEN',
    });
  }
  return { apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''), repository, issueNumber, token };
}

/** The pull request number of the event file Actions writes (pull_request and pull_request_target events). */
export function pullRequestNumber(eventPath: string | undefined): number | undefined {
  if (!eventPath) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { pull_request?: { number?: unknown }; number?: unknown };
    const n = event.pull_request?.number;
    return typeof n === 'number' ? n : undefined;
  } catch {
    return undefined;
  }
}

type Api = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => Promise<unknown>;

function createApi(target: GitHubTarget, fetchImpl: typeof fetch): Api {
  return async (method, path, body) => {
    let response: Response;
    try {
      response = await fetchImpl(`${target.apiUrl}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${target.token}`,
          'content-type': 'application/json',
          'user-agent': 'llmlab-ci',
          'x-github-api-version': '2022-11-28',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new LlmlabError('INTERNAL', redact(`cannot reach the GitHub API at ${target.apiUrl}: ${messageOf(error)}`, target.token));
    }
    const text = await response.text();
    if (!response.ok) throw apiError(method, path, response.status, text, target.token);
    return text === '' ? {} : (JSON.parse(text) as unknown);
  };
}

/** Every comment of the issue, page by page (100 a page; a long-lived pull request can have more). */
async function listAll(api: Api, path: string): Promise<IssueComment[]> {
  const all: IssueComment[] = [];
  for (let page = 1; page <= 100; page++) {
    const batch = (await api('GET', `${path}?per_page=100&page=${page}`)) as IssueComment[];
    if (!Array.isArray(batch)) break;
    all.push(...batch);
    if (batch.length < 100) break;
  }
  return all;
}

function apiError(method: string, path: string, status: number, text: string, token: string): LlmlabError {
  let message = text.slice(0, 200);
  try {
    message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
  } catch {
    // Not JSON (a proxy's HTML page): keep the start of the text.
  }
  const hint =
    status === 401
      ? 'the token is missing or expired: pass `github-token: ${{ secrets.GITHUB_TOKEN }}`'
      : status === 403 || status === 404
        ? 'give the job `permissions: pull-requests: write` (a fork\'s pull_request token is read-only; see docs/ci.md)'
        : undefined;
  const what = `GitHub API ${method} ${path.replace(/\?.*$/, '')} answered ${status}: ${message}`;
  return new LlmlabError(status >= 500 ? 'INTERNAL' : 'USAGE', redact(what, token), hint ? { hint } : {});
}

/** Belt and braces: whatever a server echoes, the token never leaves in a message. */
function redact(text: string, token: string): string {
  return token.length >= 4 ? text.split(token).join('***') : text;
}
