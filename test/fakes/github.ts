/**
 * A fake GitHub REST API on 127.0.0.1: the issue-comment endpoints `llmlab ci comment` uses (list with
 * pagination, create, update), with a bearer token check. Point GITHUB_API_URL at `server.url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  html_url: string;
}

export interface GitHubRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  apiVersion: string | undefined;
  body: unknown;
}

export interface FakeGitHub {
  url: string;
  /** Comments by issue number ("owner/name#n"). */
  comments: Map<string, FakeComment[]>;
  requests: GitHubRequest[];
  /** Answer every request with this status and message instead (403 for a read-only token, 500 …). */
  failWith?: { status: number; message: string };
  close(): Promise<void>;
}

/** Starts the fake; only `token` is accepted. */
export async function startFakeGitHub(token: string): Promise<FakeGitHub> {
  let nextId = 1000;
  const fake: FakeGitHub = {
    url: '',
    comments: new Map(),
    requests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(data));
    });
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    fake.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, apiVersion: req.headers['x-github-api-version'] as string | undefined, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Bad credentials' });
    if (fake.failWith) return send(fake.failWith.status, { message: fake.failWith.message });
    const url = new URL(req.url!, 'http://x');
    const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (list) {
      const key = `${list[1]}#${list[2]}`;
      const comments = fake.comments.get(key) ?? [];
      if (req.method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(200, comments.slice((page - 1) * perPage, page * perPage));
      }
      if (req.method === 'POST') {
        const id = nextId++;
        const comment: FakeComment = { id, body: (body as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' }, html_url: `https://github.example/${list[1]}/pull/${list[2]}#issuecomment-${id}` };
        fake.comments.set(key, [...comments, comment]);
        return send(201, comment);
      }
    }
    const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (one && req.method === 'PATCH') {
      for (const comments of fake.comments.values()) {
        const comment = comments.find((c) => c.id === Number(one[2]));
        if (comment) {
          comment.body = (body as { body: string }).body;
          return send(200, comment);
        }
      }
    }
    return send(404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A comment someone else wrote. */
export function humanComment(id: number, body: string): FakeComment {
  return { id, body, user: { login: 'octocat', type: 'User' }, html_url: `https://github.example/c/${id}` };
}
