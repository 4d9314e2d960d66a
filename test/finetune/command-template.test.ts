/** The command backend's templates: variables of a point, undefined ones named, syntax errors, nested config. */
import { describe, expect, it } from 'vitest';
import { commandVars, renderCommandTemplate, renderDeep } from '../../src/finetune/command-template.js';
import type { TrainingPoint } from '../../src/finetune/types.js';
import { thrownLlmlabError } from '../thrown.js';

const point: TrainingPoint = {
  recipeId: 'support-v2',
  point: 'epochs=2',
  label: 'finetune:support-v2[epochs=2]',
  hash: '0123456789abcdef0123',
  base: { id: 'ollama:llama3.2:1b', type: 'ollama', model: 'llama3.2:1b', label: 'base', config: {}, limits: { timeoutMs: 1, maxRetries: 0 } },
  method: 'supervised',
  hyperparameters: { epochs: 2, lr: 0.00001 },
  data: { train: '/suite/data/train.jsonl' },
  estimatedUsd: 0,
};
const vars = commandVars(point, '/work/.llmlab/finetune/0123');

describe('command templates', () => {
  it('gives the copied data, the output folder, the base model and the short hash', () => {
    expect(vars).toEqual({
      id: 'support-v2',
      base: 'llama3.2:1b',
      method: 'supervised',
      hyperparameters: { epochs: 2, lr: 0.00001 },
      train: '/work/.llmlab/finetune/0123/data/train.jsonl',
      dataDir: '/work/.llmlab/finetune/0123/data',
      output: '/work/.llmlab/finetune/0123/output',
      hash: '0123456789ab',
    });
    expect(renderCommandTemplate('t --lr {{ hyperparameters.lr }} --m {{ base }} & {{ id }}', vars, 'command.run')).toBe('t --lr 0.00001 --m llama3.2:1b & support-v2');
  });

  it('names the undefined expression, also with whitespace control and on a later line', () => {
    const error = thrownLlmlabError(() => renderCommandTemplate('train \\\n  --valid {{- validation -}}', vars, 'command.run'));
    expect(error.code).toBe('TEMPLATE_ERROR');
    expect(error.message).toBe('command.run: `validation` is not defined');
    expect(error.hint).toContain('id, base, method, hyperparameters.{epochs, lr}, train, dataDir, output, hash');
  });

  it('reports a syntax error as such', () => {
    const error = thrownLlmlabError(() => renderCommandTemplate('train {% if %}', vars, 'command.run'));
    expect(error.message).toMatch(/^command\.run does not render: /);
    expect(error.hint).toContain('nunjucks syntax');
  });

  it('renders the strings of a nested config and names a failing one by its path', () => {
    expect(renderDeep({ baseUrl: 'http://h/{{ id }}', n: 3, list: ['{{ hash }}', true] }, vars, 'config')).toEqual({
      baseUrl: 'http://h/support-v2',
      n: 3,
      list: ['0123456789ab', true],
    });
    const error = thrownLlmlabError(() => renderDeep({ headers: { x: ['{{ nope }}'] } }, vars, 'config'));
    expect(error.message).toBe('config.headers.x[0]: `nope` is not defined');
  });
});
