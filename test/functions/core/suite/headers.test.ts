import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidHeaderError, prepareRequest } from '../../../../functions/core/prepare-request.ts';
import { headerNameProblem, headerValueProblem } from '../../../../functions/core/suite/headers.ts';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

const withHeaders = (headers: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  suiteWith([{ id: 'p', request: { url: '/', headers } }], extra);

describe('header names', () => {
  it.each(['accept', 'X-Request-Id', "x-!#$%&'*+-.^_`|~1"])('accepts %s', (name) => {
    expect(headerNameProblem(name)).toBeUndefined();
  });

  it.each(['x header', 'x:y', 'x\ny', '', 'ünicode', 'x(y)', 'x"y'])('refuses %j', (name) => {
    expect(headerNameProblem(name)).toBe(
      `expected a header name of letters, digits and !#$%&'*+-.^_\`|~ (RFC 9110 token), got ${JSON.stringify(name)}`,
    );
  });

  it.each([
    ['Connection', "set request.connection: 'fresh' or 'reuse' instead"],
    ['keep-alive', "set request.connection: 'fresh' or 'reuse' instead"],
    ['Content-Length', 'it is computed from the body'],
    ['transfer-encoding', 'the body is sent with its length'],
    ['upgrade', 'perfprobe sends plain HTTP requests'],
    ['Expect', 'undici does not support it'],
  ])('refuses %s, which the transport manages', (name, why) => {
    expect(headerNameProblem(name)).toBe(
      `expected a header the transport does not manage, got "${name}": ${why}`,
    );
  });
});

describe('header values', () => {
  it('accepts visible characters, spaces, tabs and obs-text', () => {
    expect(headerValueProblem('Bearer abc.def\tü ~')).toBeUndefined();
  });

  it.each([
    ['a\r\nx-injected: 1', 'CR'],
    ['a\nb', 'LF (newline)'],
    ['a\u0000b', 'NUL'],
    ['a\u0007b', 'U+0007'],
    ['a\u007fb', 'U+007F'],
    ['snowman ☃', 'U+2603'],
  ])('refuses %j, naming the character, not the value', (value, named) => {
    expect(headerValueProblem(value)).toBe(
      `expected visible characters, spaces and tabs (RFC 9110), got ${named}`,
    );
  });

  it('accepts exactly the strings made of tab, 0x20–0x7E and 0x80–0xFF', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const allowed = [...value].every((c) => {
          const code = c.codePointAt(0)!;
          return code === 9 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
        });
        return (headerValueProblem(value) === undefined) === allowed;
      }),
    );
  });
});

describe('headers in a suite', () => {
  it('names the header for a bad name or value, in a probe and in the defaults', () => {
    expect(
      problemsOf(
        withHeaders(
          { 'x bad': '1', 'x-ok': 'a\nb', 'x-num': 42 },
          { defaults: { headers: { 'x-default': 'v\r\n', Connection: 'close' } } },
        ),
      ),
    ).toEqual([
      'defaults.headers.x-default: expected visible characters, spaces and tabs (RFC 9110), got CR',
      `defaults.headers.Connection: expected a header the transport does not manage, got "Connection": set request.connection: 'fresh' or 'reuse' instead`,
      `probes[0].request.headers.x bad: expected a header name of letters, digits and !#$%&'*+-.^_\`|~ (RFC 9110 token), got "x bad"`,
      'probes[0].request.headers.x-ok: expected visible characters, spaces and tabs (RFC 9110), got LF (newline)',
      'probes[0].request.headers.x-num: expected a string, got 42',
    ]);
  });

  it('checks a value once its variables are filled in', () => {
    const suite = withHeaders({ authorization: 'Bearer ${token}' });
    suite.environments.prod = { ...suite.environments.prod, variables: { token: 'abc\ndef' } } as never;

    expect(problemsOf(suite)).toEqual([
      'probes[0].request.headers.authorization: expected visible characters, spaces and tabs (RFC 9110), got LF (newline) once ${token} is filled in for environment "prod"',
    ]);
  });

  it('checks assertion header names', () => {
    expect(
      problemsOf(
        suiteWith([{ id: 'p', request: { url: '/' }, assert: { headers: { 'content type': true } } }]),
      ),
    ).toEqual([
      'probes[0].assert.headers.content type: expected the key to be a header name (RFC 9110 token), got "content type"',
    ]);
  });

  it('refuses, in the worker, a secret whose value would break the header, without showing the secret', () => {
    const suite = validateSuite({
      ...withHeaders({ authorization: 'Bearer ${token}' }),
      environments: {
        prod: { baseUrl: 'https://api.example.com', variables: { token: { secret: 'env:TOKEN' } } },
      },
    });
    const probe = resolveProbe(suite, suite.probes[0]!, 'prod');

    const prepare = () => prepareRequest(probe, { token: 'S3CRET\r\nx-evil: 1' });

    expect(prepare).toThrow(InvalidHeaderError);
    expect(prepare).toThrow(
      'probe "p": request.headers.authorization: expected visible characters, spaces and tabs (RFC 9110), got CR once its secrets are filled in',
    );
    expect(prepare).not.toThrow(/S3CRET/);
  });
});
