// No zod here: prepare-request.ts checks header values again, in the worker, once secrets are filled in.

// RFC 9110 §5.1: a field name is a token; §5.5: a value is visible characters, spaces and tabs. CR, LF and NUL
// would split or end the header block: the target would see a different request, and every response would be
// blamed on it as a protocol error.
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// obs-text (0x80–0xFF) is kept, as undici does; anything else outside VCHAR / SP / HTAB is refused.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers the transport manages itself. undici refuses transfer-encoding, keep-alive, upgrade and expect
 * outright, so a suite that set one would fail every request; the others would fight the transport.
 */
const MANAGED: Readonly<Record<string, string>> = {
  connection: "set request.connection: 'fresh' or 'reuse' instead",
  'keep-alive': "set request.connection: 'fresh' or 'reuse' instead",
  'content-length': 'it is computed from the body',
  'transfer-encoding': 'the body is sent with its length',
  upgrade: 'perfprobe sends plain HTTP requests',
  expect: 'undici does not support it',
};

/** What is wrong with a header name, if anything. */
export function headerNameProblem(name: string): string | undefined {
  if (!HEADER_NAME.test(name)) {
    return `expected a header name of letters, digits and !#$%&'*+-.^_\`|~ (RFC 9110 token), got ${JSON.stringify(name)}`;
  }
  const managed = MANAGED[name.toLowerCase()];
  if (managed !== undefined)
    return `expected a header the transport does not manage, got "${name}": ${managed}`;
  return undefined;
}

/** What is wrong with a header value, if anything; the message never repeats the value (it may hold a secret). */
export function headerValueProblem(value: string): string | undefined {
  if (FIELD_VALUE.test(value)) return undefined;
  const bad = [...value].find((c) => !FIELD_VALUE.test(c)) ?? '';
  const code = bad.codePointAt(0) ?? 0;
  const named: Record<number, string> = { 0: 'NUL', 10: 'LF (newline)', 13: 'CR' };
  return `expected visible characters, spaces and tabs (RFC 9110), got ${named[code] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`}`;
}
