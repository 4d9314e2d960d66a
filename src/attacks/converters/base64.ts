/** Base64 of the UTF-8 bytes: the most common encoding jailbreak, since models decode it fluently. */
export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Inverse of {@link toBase64}; also accepts the URL-safe alphabet and missing padding. */
export function fromBase64(encoded: string): string {
  return Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}
