/**
 * Test variables in promptfoo's semantics: a `file://` value is loaded (text; JSON and YAML parsed; a glob is the
 * list of its files), and an array value expands the test into one test per element (the cartesian product over
 * several array vars), unless the test sets `options.disableVarExpansion`.
 */
import { extname } from 'node:path';
import { child, fileRef, isRecord, Translator } from './context.js';
import type { Here } from './context.js';
import { expandRef, readDoc, readText } from './read.js';

const MEDIA = new Set(['.pdf', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.svg', '.mp3', '.wav', '.mp4', '.ogg', '.flac']);
const CODE = new Set(['.js', '.mjs', '.cjs', '.ts', '.py']);
/** Past this many expanded tests from one test, the product is surely a mistake (or promptfoo would not run it either). */
const MAX_EXPANSION = 10_000;

/** The vars with `file://` values loaded; undefined values mean a problem was recorded. */
export async function loadVars(t: Translator, vars: unknown, here: Here): Promise<Record<string, unknown> | undefined> {
  if (vars === undefined) return {};
  if (!isRecord(vars)) {
    t.problem(here, '`vars` must be a mapping of names to values', 'e.g. `vars: { question: "How do I reset my password?" }`');
    return undefined;
  }
  const out: Record<string, unknown> = {};
  let ok = true;
  for (const [name, value] of Object.entries(vars)) {
    const at = child(here, name);
    const loaded = Array.isArray(value) ? await loadList(t, value, at) : await loadValue(t, value, at, true);
    if (loaded === FAILED) ok = false;
    else out[name] = loaded;
  }
  return ok ? out : undefined;
}

const FAILED = Symbol('failed');

async function loadList(t: Translator, list: unknown[], at: Here): Promise<unknown> {
  const out: unknown[] = [];
  for (const [i, item] of list.entries()) {
    const loaded = await loadValue(t, item, child(at, i), false);
    if (loaded === FAILED) return FAILED;
    out.push(loaded);
  }
  return out;
}

async function loadValue(t: Translator, value: unknown, at: Here, globs: boolean): Promise<unknown> {
  const ref = fileRef(value);
  if (ref === undefined) return value;
  const files = await expandRef(t, at, ref);
  if (files.length === 0) return FAILED;
  if (files.length > 1 || (globs && /[*?[{]/.test(ref))) {
    const texts: unknown[] = [];
    for (const file of files) {
      const loaded = await loadFile(t, file, at);
      if (loaded === FAILED) return FAILED;
      texts.push(loaded);
    }
    return texts;
  }
  return loadFile(t, files[0] as string, at);
}

async function loadFile(t: Translator, file: string, at: Here): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  if (MEDIA.has(ext)) {
    t.problem(at, `\`${ext}\` files as variables are media, which llmlab does not support yet`, 'put the text the prompt needs in a .txt file, or inline it');
    return FAILED;
  }
  if (CODE.has(ext)) {
    t.problem(at, `a variable loaded by code (\`${ext}\`) does not translate to llmlab`, 'compute the values beforehand and write them to a JSON, YAML or text file');
    return FAILED;
  }
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    const doc = await readDoc(t, at, file);
    return doc ? doc.value : FAILED;
  }
  const text = await readText(t, at, file, 'variable file');
  return text ?? FAILED;
}

/**
 * One vars object per combination of the array vars' elements, in promptfoo's order (the first var varies
 * slowest), each with the index of the element it took from each array var.
 */
export function expandVars(t: Translator, vars: Record<string, unknown>, here: Here): Array<{ vars: Record<string, unknown>; picks: Record<string, number> }> {
  const arrays = Object.entries(vars).filter(([, value]) => Array.isArray(value)) as Array<[string, unknown[]]>;
  let combos: Array<{ vars: Record<string, unknown>; picks: Record<string, number> }> = [{ vars: { ...vars }, picks: {} }];
  for (const [name, values] of arrays) {
    if (values.length === 0) {
      t.problem(child(here, name), `the array var \`${name}\` is empty, so this test expands to no tests`, 'give it at least one value, or set `options.disableVarExpansion: true` to pass the empty list');
      return [];
    }
    if (combos.length * values.length > MAX_EXPANSION) {
      t.problem(here, `the array vars of this test expand to more than ${MAX_EXPANSION} tests`, 'split the test, or set `options.disableVarExpansion: true`');
      return [];
    }
    combos = combos.flatMap((combo) => values.map((value, i) => ({ vars: { ...combo.vars, [name]: value }, picks: { ...combo.picks, [name]: i } })));
  }
  return combos;
}
