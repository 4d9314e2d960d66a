/**
 * A prompt's `tools` → ToolDefinition[]: inline, or `file:` a JSON/YAML file holding the list (relative to the
 * suite). The schema checks each tool's shape; here a tool's `parameters` must also compile as a JSON Schema, so
 * a broken schema is a config error at its line rather than every cell's `is-valid-openai-tools-call` failing.
 */
import { LlmlabError } from '../errors.js';
import type { ToolDefinition } from '../types.js';
import { checkBuiltIn } from './check-value.js';
import { readReferenced } from './context.js';
import type { ResolveContext } from './context.js';
import type { Locate } from './problems.js';
import { parseYaml } from './yaml-source.js';
import type { PathSegment } from './yaml-source.js';

const FILE_PREFIX = 'file:';

/**
 * The tools written at `path` of the suite (already checked by the suite schema when inline). Undefined when there
 * are none or they are invalid (the problems are recorded).
 */
export async function resolveTools(
  written: unknown,
  path: PathSegment[],
  context: ResolveContext,
): Promise<ToolDefinition[] | undefined> {
  if (written === undefined) return undefined;
  if (typeof written === 'string') return readToolsFile(written.slice(FILE_PREFIX.length).trim(), path, context);
  const tools = written as ToolDefinition[];
  return (await checkTools(tools, path, context.source.locate, context)) ? tools : undefined;
}

async function readToolsFile(ref: string, refPath: PathSegment[], context: ResolveContext): Promise<ToolDefinition[] | undefined> {
  const read = await readReferenced(context, ref, 'tools file', refPath);
  if (!read) return undefined;
  let source;
  try {
    // YAML is a superset of JSON: one parser gives positions for both.
    source = parseYaml(read.file, read.text, 'CONFIG_INVALID');
  } catch (error) {
    if (error instanceof LlmlabError) context.problems.add(error);
    else throw error;
    return undefined;
  }
  const problems = checkBuiltIn('suite:tools', source.value, { subject: 'the tools list' });
  if (problems.length > 0) {
    context.problems.addProblems(problems, 'CONFIG_INVALID', source.locate);
    return undefined;
  }
  const tools = source.value as ToolDefinition[];
  return (await checkTools(tools, [], source.locate, context)) ? tools : undefined;
}

/** Distinct names, and parameters ajv can compile; false (with problems recorded) when not. */
async function checkTools(tools: ToolDefinition[], path: PathSegment[], locate: Locate, context: ResolveContext): Promise<boolean> {
  let ok = true;
  const seen = new Map<string, number>();
  for (const [j, tool] of tools.entries()) {
    const name = tool.function.name;
    const first = seen.get(name);
    if (first !== undefined) {
      ok = false;
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `duplicate tool name \`${name}\` (tools ${first + 1} and ${j + 1})`, {
          where: locate([...path, j, 'function', 'name']),
          hint: 'the model calls a tool by its name, so each name may appear once',
        }),
      );
    } else seen.set(name, j);
    const parameters = tool.function.parameters;
    if (parameters === undefined) continue;
    try {
      // Loaded here: a suite without tools never loads ajv's compiler (generated validators answer for it).
      const { compileJsonSchema } = await import('../metrics/json-schema.js');
      compileJsonSchema('tool', parameters);
    } catch (error) {
      ok = false;
      const detail = error instanceof Error ? error.message.replace(/^tool schema is invalid: /, '') : String(error);
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `tool \`${name}\`: parameters is not a valid JSON Schema: ${detail}`, {
          where: locate([...path, j, 'function', 'parameters']),
          hint: 'parameters describes the arguments object, e.g. { type: object, properties: { city: { type: string } }, required: [city] }',
        }),
      );
    }
  }
  return ok;
}
