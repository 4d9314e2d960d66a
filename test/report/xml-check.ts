/**
 * A small strict XML 1.0 reader for the JUnit tests: a character scanner (no regular expressions) that rejects
 * what a real parser rejects — unbalanced tags, a raw `<` or `&` in text or attributes, unknown entities, characters
 * XML forbids — and returns the element tree with entities decoded.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(source.slice(i, i + 40))}`);
  };
  for (const ch of source) {
    const c = ch.codePointAt(0)!;
    const legal = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!legal) fail(`illegal character U+${c.toString(16)}`);
  }
  const startsWith = (s: string) => source.startsWith(s, i);
  const skipSpace = () => {
    while (i < source.length && ' \t\r\n'.includes(source[i]!)) i++;
  };
  const name = () => {
    const start = i;
    while (i < source.length && !' \t\r\n/>="\''.includes(source[i]!)) i++;
    if (i === start) fail('expected a name');
    return source.slice(start, i);
  };
  const decode = (raw: string, inAttribute: boolean) => {
    let out = '';
    for (let j = 0; j < raw.length; j++) {
      const ch = raw[j]!;
      if (ch === '<' || (inAttribute && ch === '"')) fail(`raw ${ch} in ${inAttribute ? 'attribute' : 'text'}`);
      if (ch !== '&') {
        out += ch;
        continue;
      }
      const end = raw.indexOf(';', j);
      if (end === -1) fail('unterminated entity');
      const ref = raw.slice(j + 1, end);
      if (ref.startsWith('#x')) out += String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      else if (ref.startsWith('#')) out += String.fromCodePoint(Number(ref.slice(1)));
      else if (ref in ENTITIES) out += ENTITIES[ref];
      else fail(`unknown entity &${ref};`);
      j = end;
    }
    return out;
  };
  const element = (): XmlElement => {
    if (!startsWith('<')) fail('expected <');
    i++;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (startsWith('/>')) {
        i += 2;
        return el;
      }
      if (startsWith('>')) {
        i++;
        break;
      }
      const key = name();
      if (key in el.attributes) fail(`duplicate attribute ${key}`);
      if (!startsWith('="')) fail('expected ="');
      i += 2;
      const end = source.indexOf('"', i);
      if (end === -1) fail('unterminated attribute');
      el.attributes[key] = decode(source.slice(i, end), true);
      i = end + 1;
    }
    for (;;) {
      const next = source.indexOf('<', i);
      if (next === -1) fail(`unclosed <${el.name}>`);
      el.text += decode(source.slice(i, next), false);
      i = next;
      if (startsWith('</')) {
        i += 2;
        if (name() !== el.name) fail(`mismatched </…> for <${el.name}>`);
        skipSpace();
        if (!startsWith('>')) fail('expected >');
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  if (startsWith('<?xml')) {
    i = source.indexOf('?>') + 2;
    if (i === 1) fail('unterminated XML declaration');
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== source.length) fail('content after the root element');
  return root;
}
