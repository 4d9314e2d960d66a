/**
 * `azure:<deployment>` (promptfoo's `azure:chat:<deployment>` too): Azure OpenAI through the openai SDK's
 * AzureOpenAI client (./openai-connect.ts), requests and answers as openai's. The deployment name is the model
 * part; `config.model` names the OpenAI model it serves, which prices its calls (else they are unpriced: a
 * deployment's name says nothing reliable about its model). Key auth only (api-key header), no Entra ID tokens.
 */
import { defineProvider } from '../types.js';
import type { JsonSchema, ParsedModel } from '../types.js';
import openai, { optionsSchema as openaiOptions } from './openai.js';
import { parseOpenAIModel } from './openai-model.js';
import { AZURE_API_VERSION } from './openai-connect.js';

/** openai's options, less those about OpenAI's own address (baseUrl, organization, legacy completions); baseUrl returns below as the resource endpoint. */
const { baseUrl: _baseUrl, organization: _organization, api: _api, ...shared } = openaiOptions['properties'] as Record<string, JsonSchema>;

const optionsSchema: JsonSchema = {
  ...openaiOptions,
  properties: {
    apiHost: { type: 'string', description: 'host of the Azure OpenAI resource, e.g. my-resource.openai.azure.com (or AZURE_OPENAI_API_HOST)' },
    endpoint: {
      type: 'string',
      description: 'endpoint URL of the resource, e.g. https://my-resource.openai.azure.com (or AZURE_OPENAI_ENDPOINT); wins over apiHost',
    },
    baseUrl: { type: 'string', description: 'the same as endpoint (promptfoo\'s apiBaseUrl)' },
    apiVersion: { type: 'string', description: `api-version query parameter (default ${AZURE_API_VERSION})` },
    model: {
      type: 'string',
      description: 'the OpenAI model the deployment serves (e.g. gpt-4o-mini), for prices; without it calls are unpriced',
    },
    ...shared,
    apiKeyEnv: {
      type: 'string',
      description: 'name of the environment variable holding the key (default AZURE_OPENAI_API_KEY, then AZURE_API_KEY)',
    },
  },
};

export default defineProvider({
  id: 'azure',
  optionsSchema,
  logprobs: true,
  parseModel(model, config): ParsedModel {
    const parsed = parseOpenAIModel('azure', model, config, {
      // Deployment names are letters, digits, `-`, `_` and `.`.
      colonsOk: () => false,
      looksLike: '`azure:my-gpt-4o-deployment` or `azure:chat:my-gpt-4o-deployment`',
    });
    if ('model' in parsed && typeof config['model'] === 'string') return { ...parsed, pricedAs: { type: 'openai', model: config['model'] } };
    return parsed;
  },
  create: (spec) => openai.create(spec),
});
