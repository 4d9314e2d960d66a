/**
 * A fake Azure OpenAI API on 127.0.0.1: `POST /openai/deployments/{deployment}/chat/completions?api-version=…`
 * (and `/embeddings`) with the key in an `api-key` header, answered by the fake OpenAI server's own handlers
 * (./openai.ts), so the two cannot drift. Errors come in Azure's shape (`{ error: { code, message } }`). Point
 * the provider's `endpoint` at `server.url`.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer } from './harness.js';
import type { FakeApi, FakeBehaviour, FakeRoute, FakeServer } from './harness.js';
import { openaiApi } from './openai.js';

export interface FakeAzureServer extends FakeServer {
  /** The `api-version` of every answered request, in order. */
  apiVersions: string[];
}

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

/** Starts a fake Azure OpenAI resource that serves any deployment name. */
export async function startFakeAzure(options: Partial<FakeBehaviour> = {}): Promise<FakeAzureServer> {
  const apiVersions: string[] = [];
  const api: FakeApi = {
    routes: {},
    matchRoute(method, path) {
      const match = DEPLOYMENT_PATH.exec(path);
      const route = match ? openaiApi.routes[`POST /v1/${match[2]}`] : undefined;
      if (method !== 'POST' || !match || !route) return undefined;
      return deploymentRoute(route, match[1]!, apiVersions);
    },
    sendError: sendAzureError,
    sendMalformed: (context) => openaiApi.sendMalformed(context),
  };
  return Object.assign(await startFakeServer(api, options), { apiVersions });
}

/** Azure refuses a call without `api-version`, and answers with the deployment's model whatever the body says. */
function deploymentRoute(route: FakeRoute, deployment: string, apiVersions: string[]): FakeRoute {
  return (context) => {
    const version = new URL(context.req.url ?? '/', 'http://fake').searchParams.get('api-version');
    if (!version) {
      sendAzureError(context.res, 404, 'Resource not found');
      return;
    }
    apiVersions.push(version);
    route({ ...context, body: { ...context.body, model: deployment } });
  };
}

function sendAzureError(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { code: String(status), message } }, headers);
}
