/**
 * Python `re` patterns as JavaScript RegExps, for options copied from lm-evaluation-harness task files
 * (`regexes_to_ignore`). The constructs whose meaning differs are translated: leading inline flags `(?s)`,
 * `(?i)`, `(?m)`, `(?x)`-free; `$` outside a class, which in Python also matches before a final newline;
 * `\Z` and `\A`; named groups `(?P<name>…)` and `(?P=name)`. Everything else is read as JavaScript syntax,
 * which agrees with Python on the classes, quantifiers and escapes these files use.
 */

/** Compiles a Python pattern for global use; throws SyntaxError (with JavaScript's message) when it is invalid. */
export function pythonRegex(pattern: string): RegExp {
  let flags = 'g';
  let body = pattern;
  for (let inline = /^\(\?([aiLmsux]+)\)/.exec(body); inline; inline = /^\(\?([aiLmsux]+)\)/.exec(body)) {
    for (const flag of inline[1]!) {
      if ('ims'.includes(flag) && !flags.includes(flag)) flags += flag;
      else if (!'ims'.includes(flag)) throw new SyntaxError(`inline flag (?${flag}) is not supported`);
    }
    body = body.slice(inline[0].length);
  }
  return new RegExp(translate(body, flags.includes('m')), flags);
}

function translate(body: string, multiline: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const next = body[i + 1] ?? '';
      i++;
      if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else out += c + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in both dialects.
      if (body[i + 1] === '^') out += body[++i];
      if (body[i + 1] === ']') out += `\\${body[++i]}`;
      continue;
    }
    if (c === '$' && !multiline) out += '(?=\\n?(?![\\s\\S]))';
    else if (body.startsWith('(?P<', i)) (out += '(?<'), (i += 3);
    else if (body.startsWith('(?P=', i)) {
      const end = body.indexOf(')', i);
      out += `\\k<${body.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  return out;
}
