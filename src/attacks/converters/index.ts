/**
 * Converters rewrite an attack payload so that filters keyed on its plain text miss it (encodings, look-alike
 * characters, splitting). Each is a pure, deterministic function in its own file; this module is the registry
 * and the stacking helper the attack families use.
 */
import { LlmlabError } from '../../errors.js';
import { toBase64 } from './base64.js';
import { toHomoglyphs } from './homoglyphs.js';
import { toLeetspeak } from './leetspeak.js';
import { splitPayload } from './payload-split.js';
import { rot13 } from './rot13.js';
import { toSpaced } from './spaced.js';
import { smuggleZeroWidth } from './zero-width.js';

/** Every built-in converter id; a suite names converters by these. */
export const CONVERTER_IDS = ['base64', 'rot13', 'leetspeak', 'homoglyphs', 'zero-width', 'payload-split', 'spaced'] as const;

export type ConverterId = (typeof CONVERTER_IDS)[number];

/** One converter: a pure `text → text` rewrite. */
export interface Converter {
  id: ConverterId;
  /** One line, shown in docs and `--help` listings. */
  description: string;
  convert(text: string): string;
}

// Typed over the full id list so a converter missing here is a compile error.
const REGISTRY: { readonly [K in ConverterId]: Converter } = {
  base64: { id: 'base64', description: 'UTF-8 bytes as standard base64', convert: (t) => toBase64(t) },
  rot13: { id: 'rot13', description: 'Latin letters rotated by 13 (self-inverse)', convert: (t) => rot13(t) },
  leetspeak: { id: 'leetspeak', description: 'letters replaced by digit look-alikes (a→4, e→3, …)', convert: (t) => toLeetspeak(t) },
  homoglyphs: { id: 'homoglyphs', description: 'Latin letters replaced by Cyrillic/Greek look-alikes', convert: (t) => toHomoglyphs(t) },
  'zero-width': { id: 'zero-width', description: 'zero-width spaces smuggled between characters', convert: (t) => smuggleZeroWidth(t) },
  'payload-split': { id: 'payload-split', description: 'payload split into variables the model is asked to join', convert: (t) => splitPayload(t) },
  spaced: { id: 'spaced', description: 'characters separated by spaces', convert: (t) => toSpaced(t) },
};

/** Whether `id` names a built-in converter. */
export function isConverterId(id: string): id is ConverterId {
  return Object.hasOwn(REGISTRY, id);
}

/** The converter named `id`; an unknown id is a config error listing the known ones. */
export function getConverter(id: string): Converter {
  if (!isConverterId(id)) {
    throw new LlmlabError('CONFIG_INVALID', `unknown converter "${id}"`, { hint: `use one of: ${CONVERTER_IDS.join(', ')}` });
  }
  return REGISTRY[id];
}

/** Every built-in converter, in {@link CONVERTER_IDS} order. */
export function listConverters(): Converter[] {
  return CONVERTER_IDS.map((id) => REGISTRY[id]);
}

/**
 * Applies converters left to right: `['rot13', 'base64']` base64-encodes the rot13 text. All ids are checked
 * before any runs, so a typo fails the same way whatever its position.
 */
export function applyConverters(text: string, ids: readonly string[]): string {
  const chain = ids.map(getConverter);
  return chain.reduce((acc, converter) => converter.convert(acc), text);
}
