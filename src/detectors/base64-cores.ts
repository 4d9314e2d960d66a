/**
 * Finding a known text inside base64 without decoding: the text's bytes start at one of three offsets within
 * a 3-byte group, and for each offset part of the encoding depends on those bytes alone.
 */

/**
 * The parts of base64(text) that do not depend on the bytes around it, for each of the three byte alignments:
 * finding one means the text sits somewhere inside a longer base64-encoded text (standard alphabet).
 */
export function base64Cores(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  return [0, 1, 2].map((pad) => {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    return encoded.slice(Math.ceil((pad * 8) / 6), Math.floor(((pad + bytes.length) * 8) / 6));
  });
}
