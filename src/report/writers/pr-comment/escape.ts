/**
 * Escaping for the PR comment. GitHub renders Markdown *and* a subset of HTML in comments, so a model output that
 * says `</details>`, `|` or `<script>` must reach the page as text. Two contexts exist: inline text (table cells,
 * headings, list items, `<summary>`), and `<pre>` blocks for outputs. Both entity-encode, because entities are
 * decoded only after Markdown has been parsed: `&#124;` cannot split a table cell and `&lt;` cannot open a tag.
 */

/** Characters outside tab, newline and printable text; stripped so a stray NUL or ESC cannot garble the comment. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Everything with a meaning in GitHub Markdown inline or in HTML: tags and entities, emphasis, code, links, tables,
 * strikethrough, backslash escapes and math (`$`); and `@name` / `#123`, which GitHub turns into mentions and issue
 * links even when entity-encoded (those filters run on the rendered text), so they get a zero-width space after
 * the sign: a model output must not ping people or cross-link issues. Inline text never goes into an attribute,
 * so quotes stay as they are.
 */
const INLINE_SPECIAL = /[&<>`*_[\]\\|~$]|[@#](?=[\w-])/g;

/** Block syntax that only bites at the start of a line (heading, quote, list, setext underline). */
const LINE_START = /^(?:[-+=>#]|\d+[.)])/;

/**
 * Cuts `text` to `max` characters (never inside a surrogate pair) and says how much was cut; `total` is the length
 * of the original when `text` is already a cut of it.
 */
export function truncate(text: string, max: number, total = text.length): string {
  if (text.length <= max) return text;
  let end = Math.max(max, 0);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${total - end} more chars)`;
}

/**
 * One line of inline Markdown showing `text` literally: control characters dropped, line breaks and runs of
 * whitespace folded to one space, cut to `max` characters, then escaped.
 */
export function mdInline(text: string, max = 200): string {
  const flat = text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max).replace(/[\ud800-\udbff]$/, '')}…` : flat;
  const escaped = cut.replace(INLINE_SPECIAL, (c) => (c === '@' || c === '#' ? `${c}&#8203;` : entity(c)));
  return LINE_START.test(escaped) ? `${entity(escaped[0]!)}${escaped.slice(1)}` : escaped;
}

/**
 * The inside of a `<pre>` block: line breaks kept, cut to `max` characters, `&`, `<` and `>` encoded. GitHub ends a
 * `<pre>` HTML block only at a line containing `</pre>`, which the encoding makes impossible, so blank lines and
 * Markdown syntax in the output stay inert.
 */
export function preText(text: string, max: number, total = text.length): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
  return truncate(clean, max, total - (text.length - clean.length)).replace(/[&<>]/g, entity);
}

function entity(char: string): string {
  return `&#${char.codePointAt(0)};`;
}
