/**
 * `is-valid-openai-tools-call` (promptfoo's name): the model made at least one tool call, and every call names a
 * tool the cell's prompt declared, with arguments that parse as JSON and satisfy that tool's `parameters` (ajv,
 * 2020-12). The reason names the first bad call and what is wrong with it. A prompt without `tools` has nothing
 * to validate against: that is an error, not a failure. Calls come from the answer's `toolCalls`, else from an
 * output that is itself JSON tool calls (tool-calls-shared.ts).
 */
import type { ValidateFunction } from 'ajv';
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { JsonSchema, ToolDefinition } from '../types.js';
import { compileJsonSchema, describeSchemaErrors } from './json-schema.js';
import { callsOf, showCall } from './tool-calls-shared.js';

// Per parameters object: a prompt's tools are one object for the whole run, so each schema compiles once.
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorOf(parameters: JsonSchema): ValidateFunction {
  let validate = compiled.get(parameters);
  if (!validate) {
    validate = compileJsonSchema('is-valid-openai-tools-call', parameters);
    compiled.set(parameters, validate);
  }
  return validate;
}

export default defineMetric<unknown>({
  id: 'is-valid-openai-tools-call',
  optionsSchema: {
    description:
      'No value: the calls are checked against the `tools` the prompt declares (each call names a declared tool ' +
      'and its arguments are JSON matching that tool\'s parameters).',
  },
  score: ({ output, result, tools }) => {
    if (!tools?.length) {
      throw new LlmlabError('METRIC_ERROR', "is-valid-openai-tools-call: the cell's prompt declares no `tools` to check the calls against", {
        hint: 'add `tools:` (a list in OpenAI function format, or file:tools.json) to the prompt object',
      });
    }
    const calls = callsOf(output, result);
    if (calls.length === 0) {
      const said = output.trim() === '' ? 'nothing' : `text: ${output.length > 80 ? `${output.slice(0, 80)}…` : output}`;
      return { pass: false, reason: `no tool call (the model answered with ${said})` };
    }
    for (const [i, call] of calls.entries()) {
      const problem = problemOf(call.name, call.arguments, tools);
      if (problem) return { pass: false, reason: `call ${i + 1} ${showCall(call)}: ${problem}` };
    }
    return { pass: true, reason: `${calls.length === 1 ? '1 valid tool call' : `${calls.length} valid tool calls`}: ${calls.map((c) => c.name).join(', ')}` };
  },
});

/** What is wrong with one call, or undefined when it is valid. */
function problemOf(name: string, args: string, tools: ToolDefinition[]): string | undefined {
  const tool = tools.find((t) => t.function.name === name);
  if (!tool) return `\`${name}\` is not a declared tool (declared: ${tools.map((t) => t.function.name).join(', ')})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch (error) {
    return `arguments are not valid JSON: ${(error as Error).message}`;
  }
  const parameters = tool.function.parameters;
  if (!parameters) return undefined;
  const validate = validatorOf(parameters);
  if (validate(parsed)) return undefined;
  return `arguments do not match the parameters of \`${name}\`: ${describeSchemaErrors(validate.errors ?? [])}`;
}
