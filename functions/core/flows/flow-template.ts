import { randomInt, randomUUID } from 'node:crypto';

/** `${name}`, or a built-in call such as `${randomInt(1,10)}` or `${pick(accounts)}`. */
const PLACEHOLDER = /\$\{([A-Za-z_]\w*)(?:\(([^)]*)\))?\}/g;

/** A placeholder as written: its name and, for a call, its raw argument text. */
export interface Placeholder {
  readonly name: string;
  readonly args: string | undefined;
  /** As written, e.g. "${randomInt(1,10)}". */
  readonly text: string;
}

export function placeholders(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1]!, args: m[2], text: m[0] }));
}

/** What a flow's template may name besides the built-ins. */
export interface TemplateScope {
  /** Names a value is known for when the template is compiled (resolved secrets). */
  readonly fixed: Readonly<Record<string, string>>;
  /** List variables for `${pick(name)}`. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
  /** Captures of earlier steps, filled per iteration. */
  readonly captures: ReadonlySet<string>;
}

/** A placeholder that cannot be filled, in "expected …, got …" words; undefined when it can. */
export function placeholderProblem(p: Placeholder, scope: TemplateScope): string | undefined {
  if (p.args === undefined) {
    if (Object.hasOwn(scope.fixed, p.name) || scope.captures.has(p.name)) return undefined;
    if (p.name === 'uuid' || p.name === 'now' || p.name === 'nowMs') return undefined;
    if (Object.hasOwn(scope.lists, p.name))
      return `expected a single value for ${p.text}, got a list (use \${pick(${p.name})})`;
    const captured = [...scope.captures];
    return `unknown name ${p.text} (not a variable, a capture of an earlier step${captured.length > 0 ? ` (${captured.join(', ')})` : ''} or a built-in: uuid, now, nowMs, randomInt(a,b), pick(list))`;
  }
  if (p.name === 'randomInt') {
    const bounds = randomIntBounds(p.args);
    return bounds === undefined
      ? `expected \${randomInt(a,b)} with whole numbers a ≤ b, got ${p.text}`
      : undefined;
  }
  if (p.name === 'pick') {
    const list = p.args.trim();
    if (Object.hasOwn(scope.lists, list)) return undefined;
    const known = Object.keys(scope.lists);
    return `expected \${pick(name)} over a list variable of the environment${known.length > 0 ? ` (${known.join(', ')})` : ' (it defines none)'}, got ${p.text}`;
  }
  return `unknown built-in ${p.text} (expected randomInt(a,b) or pick(list))`;
}

function randomIntBounds(args: string): [number, number] | undefined {
  const m = /^\s*(-?\d+)\s*,\s*(-?\d+)\s*$/.exec(args);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  // crypto.randomInt draws from a range narrower than 2^48.
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) && a <= b && b - a < 2 ** 48 - 1
    ? [a, b]
    : undefined;
}

/** Fills a compiled template from one iteration's captures. */
export type FilledTemplate = (captures: Readonly<Record<string, string>>) => string;

/** A template with a placeholder that cannot be filled: validation lets none through, so this is a bug. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/**
 * Compiles a step's text once per shard: literal parts and fixed values (secrets) joined ahead, captures and
 * built-ins filled per use, in one pass (a captured value is never scanned for placeholders again).
 * `prefix` is the fixed text before the first placeholder filled per use (the whole text when there is none).
 * @param encode applied to every filled value (JSON bodies: a value lands inside a JSON string).
 * @throws TemplateError for a placeholder validation should have refused.
 */
export function compileTemplate(
  text: string,
  scope: TemplateScope,
  encode: (value: string) => string = (v) => v,
): { fill: FilledTemplate; dynamic: boolean; prefix: string } {
  const parts: (string | ((captures: Readonly<Record<string, string>>) => string))[] = [];
  let literal = '';
  let last = 0;
  let prefix: string | undefined;
  for (const m of text.matchAll(PLACEHOLDER)) {
    literal += text.slice(last, m.index);
    last = m.index + m[0].length;
    const p: Placeholder = { name: m[1]!, args: m[2], text: m[0] };
    const problem = placeholderProblem(p, scope);
    if (problem !== undefined) throw new TemplateError(problem);
    if (p.args === undefined && Object.hasOwn(scope.fixed, p.name)) {
      literal += encode(scope.fixed[p.name]!);
      continue;
    }
    prefix ??= literal;
    if (literal) parts.push(literal);
    literal = '';
    parts.push(dynamicPart(p, scope, encode));
  }
  literal += text.slice(last);
  if (literal) parts.push(literal);
  if (parts.every((part) => typeof part === 'string')) {
    const constant = parts.join('');
    return { fill: () => constant, dynamic: false, prefix: constant };
  }
  return {
    prefix: prefix ?? '',
    fill: (captures) => {
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : part(captures);
      return out;
    },
    dynamic: true,
  };
}

function dynamicPart(
  p: Placeholder,
  scope: TemplateScope,
  encode: (value: string) => string,
): (captures: Readonly<Record<string, string>>) => string {
  if (p.args === undefined && scope.captures.has(p.name)) return (captures) => encode(captures[p.name] ?? '');
  switch (p.name) {
    case 'uuid':
      return () => randomUUID();
    case 'now':
      return () => new Date().toISOString();
    case 'nowMs':
      return () => String(Date.now());
    case 'randomInt': {
      const [a, b] = randomIntBounds(p.args!)!;
      // crypto.randomInt's upper bound is exclusive.
      return () => String(randomInt(a, b + 1));
    }
    default: {
      const list = scope.lists[p.args!.trim()]!;
      return () => encode(list[randomInt(list.length)]!);
    }
  }
}

function encodeRun(run: string): string {
  try {
    return encodeURIComponent(run);
  } catch {
    // A lone surrogate (JSON may carry one) cannot be encoded: it becomes U+FFFD, as a well-formed string would.
    return encodeURIComponent(run.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

/**
 * For a value placed in a URL: what a URL cannot carry as is (spaces, controls, non-ASCII, quotes, brackets) is
 * percent-encoded, as the URL parser does for a plain request's URL; `/`, `?`, `&`, `=` and `%` stay as given.
 */
export const urlSafe = (value: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be encoded.
  value.replace(/[\u0000-\u0020\u007f-\uffff"<>\\^`{|}]+/g, encodeRun);

/** For a value placed inside a JSON string of a body. */
export const jsonStringContent = (value: string) => JSON.stringify(value).slice(1, -1);
