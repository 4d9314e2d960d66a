/**
 * Payload variants: the plain payload plus one variant per converter chain of the entry. A chain ending in an
 * encoding the model must be told about (base64, rot13, payload-split) is wrapped in the library's decoding
 * instruction. `translate:<language>` and `rephrase` cannot run at load time (they need the attacker model), so
 * they are handed to the executor as the plan's `rewrite`.
 */
import { LlmlabError } from '../errors.js';
import { applyConverters, isConverterId } from './converters/index.js';
import type { AttackRewrite } from '../types.js';
import { fillTemplate, type JailbreakLibrary } from './library.js';

/** One way of sending a payload. */
export interface PayloadVariant {
  text: string;
  /** Suffix for strategy names and test ids: '' for the plain payload, else `+base64+rot13`. */
  label: string;
  /** The chain as written (translate included). */
  converters: string[];
  /** What the attacker model does to the text before it is sent (the chain's last converter). */
  rewrite?: AttackRewrite;
}

const TRANSLATE = /^translate:([A-Za-z][A-Za-z -]{1,40})$/;

/** A converter the attacker model runs at send time: `translate:<language>` or `rephrase`. */
function rewriteOf(id: string): AttackRewrite | undefined {
  if (id === 'rephrase') return { kind: 'rephrase' };
  const language = TRANSLATE.exec(id)?.[1]?.trim();
  return language === undefined ? undefined : { kind: 'translate', language };
}

/** Whether `id` is a converter an entry may name: a built-in id, `translate:<language>` or `rephrase`. */
export function isConverterName(id: string): boolean {
  return isConverterId(id) || rewriteOf(id) !== undefined;
}

/** Whether any chain needs the attacker model. */
export function needsAttacker(chains: readonly string[][]): boolean {
  return chains.some((chain) => chain.some((id) => rewriteOf(id) !== undefined));
}

/** Checks a chain: known ids, the attacker's rewrite only last. Returns a problem sentence, or undefined. */
export function chainProblem(chain: readonly string[]): string | undefined {
  const unknown = chain.find((id) => !isConverterName(id));
  if (unknown !== undefined) return `unknown converter \`${unknown}\``;
  const at = chain.findIndex((id) => rewriteOf(id) !== undefined);
  if (at !== -1 && at !== chain.length - 1) return `\`${chain[at]}\` runs on the attacker model when the attack is sent, so it must be the last converter of a stack`;
  return undefined;
}

/** The plain payload, then one variant per chain. */
export function payloadVariants(payload: string, chains: readonly string[][], encodings: JailbreakLibrary['encodings']): PayloadVariant[] {
  return [[], ...chains].map((chain) => convert(payload, chain, encodings));
}

/** Applies one chain (see {@link payloadVariants}). */
export function convert(payload: string, chain: readonly string[], encodings: JailbreakLibrary['encodings']): PayloadVariant {
  const problem = chainProblem(chain);
  if (problem) throw new LlmlabError('CONFIG_INVALID', problem);
  const last = chain[chain.length - 1];
  const rewrite = last === undefined ? undefined : rewriteOf(last);
  const encoders = rewrite === undefined ? chain : chain.slice(0, -1);
  let text = applyConverters(payload, encoders);
  const outer = encoders[encoders.length - 1];
  const wrapper = outer === undefined ? undefined : encodings[outer];
  if (wrapper !== undefined) text = fillTemplate(wrapper, { payload: text });
  return {
    text,
    label: chain.map((id) => `+${id}`).join(''),
    converters: [...chain],
    ...(rewrite === undefined ? {} : { rewrite }),
  };
}
