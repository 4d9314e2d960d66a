/**
 * The templates of a command backend (`run`, `env`, `serve`): nunjucks over {@link CommandTemplateVars}, with
 * autoescape off (a path with `&` must reach the shell as written) and undefined values refused, because a
 * trainer run with `--epochs ''` would train for a default the user never chose.
 */
import nunjucks from 'nunjucks';
import { LlmlabError, messageOf } from '../errors.js';
import type { CommandTemplateVars, TrainingPoint } from './types.js';

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

/** The variables of a point whose files live in `pointDir` (`<workDir>/<hash>/`). */
export function commandVars(point: TrainingPoint, pointDir: string): CommandTemplateVars {
  const dataDir = `${pointDir}/data`;
  return {
    id: point.recipeId,
    base: point.base.model,
    method: point.method,
    hyperparameters: point.hyperparameters,
    // The copies, not the originals: the trainer reads exactly what was validated, under the names mlx-lm wants.
    train: `${dataDir}/train.jsonl`,
    ...(point.data.validation === undefined ? {} : { validation: `${dataDir}/valid.jsonl` }),
    dataDir,
    output: `${pointDir}/output`,
    hash: point.hash.slice(0, 12),
  };
}

/**
 * Renders one template; `what` names it in errors (`command.run`, `command.env.HF_HOME`). An undefined variable
 * is a TEMPLATE_ERROR naming the expression, with the variables there are.
 */
export function renderCommandTemplate(text: string, vars: CommandTemplateVars, what: string): string {
  try {
    return env.renderString(text, vars as unknown as Record<string, unknown>);
  } catch (error) {
    const raw = messageOf(error);
    const undefinedValue = /attempted to output null or undefined value/.test(raw);
    const expression = undefinedValue ? expressionAt(text, raw) : undefined;
    const detail = raw.replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, '').replace(/\s+/g, ' ').trim();
    const message = undefinedValue
      ? `${what}: ${expression ? `\`${expression}\`` : 'a variable'} is not defined`
      : `${what} does not render: ${detail}`;
    throw new LlmlabError('TEMPLATE_ERROR', message, {
      hint: undefinedValue
        ? `the variables are ${variableList(vars)}; write {{ name | default(...) }} or {% if name %}…{% endif %} for an optional one`
        : 'check the nunjucks syntax; a literal {{ is written {{ "{{" }}',
      cause: error,
    });
  }
}

/** Every string inside `value` rendered (objects and arrays walked); other values as they are. */
export function renderDeep(value: unknown, vars: CommandTemplateVars, what: string): unknown {
  if (typeof value === 'string') return renderCommandTemplate(value, vars, what);
  if (Array.isArray(value)) return value.map((item, i) => renderDeep(item, vars, `${what}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, vars, `${what}.${key}`)]));
  }
  return value;
}

/**
 * The `{{ … }}` expression nunjucks stopped at: its error gives the line and column where the output tag
 * starts, and names nothing else.
 */
function expressionAt(text: string, raw: string): string | undefined {
  const position = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  if (!position) return undefined;
  const line = text.split('\n')[Number(position[1]) - 1] ?? '';
  const tag = /^\{\{-?([\s\S]*?)-?\}\}/.exec(line.slice(Number(position[2]) - 1));
  return tag?.[1]?.trim() || undefined;
}

function variableList(vars: CommandTemplateVars): string {
  return Object.entries(vars)
    .map(([name, value]) => (name === 'hyperparameters' ? `hyperparameters.{${Object.keys(value as object).join(', ')}}` : name))
    .join(', ');
}
