/** Which files of a trainer's output make the Ollama adapter, and how OLLAMA_HOST is read. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapterFiles, ollamaUrl } from '../../src/finetune/ollama-create.js';
import { thrownLlmlabError } from '../thrown.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-adapter-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const files = (...names: string[]) => names.forEach((name) => writeFileSync(join(dir, name), name));
const names = (paths: string[]) => paths.map((path) => path.slice(dir.length + 1));

describe('adapter files', () => {
  it('takes mlx-lm’s final adapter and its config, not its numbered checkpoints', () => {
    files('adapters.safetensors', '0000100_adapters.safetensors', 'adapter_config.json');
    expect(names(adapterFiles(dir))).toEqual(['adapters.safetensors', 'adapter_config.json']);
  });

  it('takes a PEFT adapter (Unsloth, axolotl, LLaMA-Factory) with every json beside it, skipping folders', () => {
    files('adapter_model.safetensors', 'adapter_config.json', 'tokenizer.json', 'training_args.bin', 'README.md');
    mkdirSync(join(dir, 'checkpoint-50'));
    expect(names(adapterFiles(dir))).toEqual(['adapter_model.safetensors', 'adapter_config.json', 'tokenizer.json']);
  });

  it('takes a single gguf, or a file named directly', () => {
    files('lora.gguf');
    expect(names(adapterFiles(dir))).toEqual(['lora.gguf']);
    expect(adapterFiles(join(dir, 'lora.gguf'))).toEqual([join(dir, 'lora.gguf')]);
  });

  it('says what the folder holds when no weights are in it, and when it does not exist', () => {
    files('a.gguf', 'b.gguf', 'notes.txt');
    const none = thrownLlmlabError(() => adapterFiles(dir));
    expect(none.message).toBe(`no adapter weights in ${dir} (it holds a.gguf, b.gguf, notes.txt)`);
    expect(none.hint).toContain('serve.ollama.adapter');
    expect(thrownLlmlabError(() => adapterFiles(join(dir, 'missing'))).message).toBe(`the adapter ${join(dir, 'missing')} does not exist`);
  });
});

describe('ollama host', () => {
  it('reads OLLAMA_HOST forms as Ollama does', () => {
    expect(ollamaUrl('http://127.0.0.1:11434/')).toBe('http://127.0.0.1:11434');
    expect(ollamaUrl('0.0.0.0')).toBe('http://0.0.0.0:11434');
    expect(ollamaUrl('gpu-box:8080')).toBe('http://gpu-box:8080');
    expect(ollamaUrl('https://ollama.example.com')).toBe('https://ollama.example.com');
    expect(thrownLlmlabError(() => ollamaUrl('http://[nope')).message).toBe('the Ollama host `http://[nope` is not a URL');
  });
});
