/**
 * Arithmetic expressions over named numbers, for `derivedMetrics` (`2 * tp / (2 * tp + fp + fn)`). The grammar is
 * the part of mathjs's syntax that promptfoo's derived metrics use: numbers, names, `+ - * / %`, `^` (right
 * associative), unary minus, parentheses and a few functions. Parsed once when the suite loads, so a typo is an
 * error with its column rather than a NaN in the report; nothing is ever handed to `eval`.
 */

/** A parsed expression. */
export type Expression =
  | { kind: 'number'; value: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'unary'; operand: Expression }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '%' | '^'; left: Expression; right: Expression }
  | { kind: 'call'; fn: string; args: Expression[]; at: number };

/** Why a text is not an expression: the message and the 0-based offset in the text. */
export interface ExpressionError {
  message: string;
  at: number;
}

const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  abs: Math.abs,
  sqrt: Math.sqrt,
  log: Math.log,
  exp: Math.exp,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
};

/** The function names an expression may call. */
export const ARITHMETIC_FUNCTIONS = Object.keys(FUNCTIONS);

type Token = { kind: 'num'; value: number; at: number } | { kind: 'name'; name: string; at: number } | { kind: 'op'; op: string; at: number };

function tokenize(text: string): Token[] | ExpressionError {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/%^(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) {
      const bad = at + (text.slice(at).length - text.slice(at).trimStart().length);
      return { message: `unexpected \`${text[bad]}\``, at: bad };
    }
    const start = match.index + match[0].length - (match[1] ?? match[2] ?? match[3]!).length;
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]), at: start });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', name: match[2], at: start });
    else tokens.push({ kind: 'op', op: match[3]!, at: start });
    at = pattern.lastIndex;
  }
  return tokens;
}

/** Parses `text`; the result is an expression or an error with its offset. */
export function parseExpression(text: string): Expression | ExpressionError {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return tokens;
  let i = 0;
  const fail = (message: string): never => {
    throw { message, at: tokens[i]?.at ?? text.length } satisfies ExpressionError;
  };
  const isOp = (op: string) => tokens[i]?.kind === 'op' && (tokens[i] as { op: string }).op === op;
  const expect = (op: string) => (isOp(op) ? void i++ : fail(`expected \`${op}\``));

  const sum = (): Expression => {
    let left = product();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[i++] as { op: '+' | '-' }).op;
      left = { kind: 'binary', op, left, right: product() };
    }
    return left;
  };
  const product = (): Expression => {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = (tokens[i++] as { op: '*' | '/' | '%' }).op;
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Expression => {
    if (isOp('-')) {
      i++;
      return { kind: 'unary', operand: unary() };
    }
    if (isOp('+')) i++;
    return power();
  };
  const power = (): Expression => {
    const base = primary();
    if (!isOp('^')) return base;
    i++;
    return { kind: 'binary', op: '^', left: base, right: unary() };
  };
  const primary = (): Expression => {
    const token = tokens[i];
    if (!token) return fail('the expression ends too soon');
    if (token.kind === 'num') {
      i++;
      return { kind: 'number', value: token.value };
    }
    if (token.kind === 'name') {
      i++;
      if (!isOp('(')) return { kind: 'name', name: token.name, at: token.at };
      if (!Object.hasOwn(FUNCTIONS, token.name)) {
        i--;
        fail(`unknown function \`${token.name}\` (known: ${ARITHMETIC_FUNCTIONS.join(', ')})`);
      }
      i++;
      const args = [sum()];
      while (isOp(',')) {
        i++;
        args.push(sum());
      }
      expect(')');
      return { kind: 'call', fn: token.name, args, at: token.at };
    }
    if (isOp('(')) {
      i++;
      const inner = sum();
      expect(')');
      return inner;
    }
    return fail(`unexpected \`${token.op}\``);
  };

  try {
    if (tokens.length === 0) fail('the expression is empty');
    const expression = sum();
    if (i < tokens.length) fail(`unexpected \`${describe(tokens[i]!)}\``);
    return expression;
  } catch (error) {
    if (isExpressionError(error)) return error;
    throw error;
  }
}

function describe(token: Token): string {
  return token.kind === 'num' ? String(token.value) : token.kind === 'name' ? token.name : token.op;
}

/** True for what {@link parseExpression} returns on a bad text. */
export function isExpressionError(value: unknown): value is ExpressionError {
  return typeof value === 'object' && value !== null && 'message' in value && 'at' in value && !('kind' in value);
}

/** Every name the expression reads, in order of first use. */
export function namesOf(expression: Expression, into: Set<string> = new Set()): Set<string> {
  if (expression.kind === 'name') into.add(expression.name);
  else if (expression.kind === 'unary') namesOf(expression.operand, into);
  else if (expression.kind === 'binary') namesOf(expression.right, namesOf(expression.left, into));
  else if (expression.kind === 'call') for (const arg of expression.args) namesOf(arg, into);
  return into;
}

/** The value of `expression` with `values` for its names (a name missing from `values` reads as 0, as promptfoo). */
export function evaluate(expression: Expression, values: Readonly<Record<string, number>>): number {
  switch (expression.kind) {
    case 'number':
      return expression.value;
    case 'name':
      return Object.hasOwn(values, expression.name) ? values[expression.name]! : 0;
    case 'unary':
      return -evaluate(expression.operand, values);
    case 'call':
      return FUNCTIONS[expression.fn]!(...expression.args.map((arg) => evaluate(arg, values)));
    case 'binary': {
      const a = evaluate(expression.left, values);
      const b = evaluate(expression.right, values);
      switch (expression.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '%':
          return a % b;
        case '^':
          return a ** b;
      }
    }
  }
}
