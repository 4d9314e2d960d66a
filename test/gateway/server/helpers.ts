/**
 * A gateway under test: a temp project holding `gateway.yaml` (and any other files), loaded and started on
 * 127.0.0.1 with a free port, plus an openai SDK client pointed at it. Closed after each test.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach } from 'vitest';
import { loadGatewayConfig } from '../../../src/config/load-gateway.js';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../../src/gateway/server.js';
import { tempDir } from '../../config/helpers.js';

const running: RunningGateway[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((g) => g.close()));
});

export interface TestGateway {
  gateway: RunningGateway;
  dir: string;
  /** An openai client on the gateway, with `apiKey` (default: any string; keys off). */
  client(apiKey?: string): OpenAI;
  warnings: string[];
}

export async function startTestGateway(
  yaml: string,
  files: Record<string, string> = {},
  options: Partial<StartGatewayOptions> & { dir?: string } = {},
): Promise<TestGateway> {
  const dir = options.dir ?? (await tempDir({ 'llmlab.config.yaml': 'db: .llmlab/test.db\n', ...files }));
  await writeFile(join(dir, 'gateway.yaml'), yaml);
  const config = await loadGatewayConfig(join(dir, 'gateway.yaml'), { cwd: dir, env: {} });
  const warnings: string[] = [];
  const gateway = await startGateway(config, { host: '127.0.0.1', port: 0, env: { OPENAI_API_KEY: 'sk-upstream' }, cwd: dir, warn: (m) => warnings.push(m), ...options });
  running.push(gateway);
  return {
    gateway,
    dir,
    warnings,
    client: (apiKey = 'unused') => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 }),
  };
}

/** A provider entry for an OpenAI-compatible fake at `url`, with label `label`. */
export function fakeProvider(label: string, url: string, extra = ''): string {
  return `  - id: openai:gpt-4o-mini\n    label: ${label}\n    config: { baseUrl: "${url}/v1"${extra} }\n`;
}
