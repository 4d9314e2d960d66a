/** XML 1.0 text for the JUnit report: model outputs may hold any character, XML accepts only some. */

/**
 * What XML 1.0 forbids even as a character reference: C0 controls other than tab, LF and CR, lone surrogates,
 * U+FFFE and U+FFFF. A report must parse whatever a model answered, so these are dropped.
 */
const ILLEGAL = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Element content: `&`, `<` and `>` escaped (`>` too, so `]]>` never appears), illegal characters dropped. */
export function xmlText(text: string): string {
  return text.replace(ILLEGAL, '').replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * An attribute value for double quotes. Tabs and line breaks become character references: a parser would
 * otherwise normalise them to spaces, and a multi-line failure message would lose its lines.
 */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/["\t\n\r]/g, (c) => ATTR[c]!);
}

const ATTR: Record<string, string> = { '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
