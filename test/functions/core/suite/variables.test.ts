import { describe, expect, it } from 'vitest';
import { prepareRequest } from '../../../../functions/core/prepare-request.ts';
import { resolveProbe, UnresolvedVariableError } from '../../../../functions/core/suite/resolve-probe.ts';
import type { Suite } from '../../../../functions/core/suite/schema.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { resolveVariables } from '../../../../functions/core/suite/variables.ts';
import { problemsOf } from './suite-fixtures.ts';

const suiteUsing = (variables: Record<string, unknown>, request: Record<string, unknown>) => ({
  name: 's',
  environments: { prod: { baseUrl: 'https://api.example.com/', variables } },
  probes: [{ id: 'p', request }],
});

describe('resolveVariables', () => {
  it('fills references between variables transitively, whatever the order they are written in', () => {
    const { values, problems } = resolveVariables('https://api.example.com', {
      url: '${api}/v${version}',
      api: '${baseUrl}/api',
      version: '${major}',
      major: '2',
    });

    expect(problems).toEqual([]);
    expect(values).toMatchObject({ url: 'https://api.example.com/api/v2', version: '2' });
  });

  it('keeps a secret, and anything built on it, as a reference for the worker', () => {
    const { values, secrets } = resolveVariables('https://x', {
      token: { secret: 'env:TOKEN' },
      auth: 'Bearer ${token}',
    });

    expect(values.auth).toBe('Bearer ${token}');
    expect(secrets).toEqual({ token: 'env:TOKEN' });
  });

  it('names the chain that leads to an undefined variable', () => {
    const { problems } = resolveVariables('https://x', { a: '${b}', b: '${c}/x', c: '${missing}' });

    expect(problems).toEqual([
      {
        variable: 'c',
        message:
          'unknown variable ${missing} (via ${a} → ${b} → ${c} → ${missing}) (defined: a, b, c, baseUrl)',
      },
    ]);
  });

  it('names the cycle once, instead of recursing forever', () => {
    const { problems } = resolveVariables('https://x', { a: '${b}', b: '${c}', c: 'x${a}' });

    expect(problems).toEqual([
      { variable: 'c', message: 'expected variables without a cycle, got ${a} → ${b} → ${c} → ${a}' },
    ]);
  });

  it('finds a variable that references itself', () => {
    expect(resolveVariables('https://x', { a: '${a}' }).problems).toEqual([
      { variable: 'a', message: 'expected variables without a cycle, got ${a} → ${a}' },
    ]);
  });

  it('resolves the base URL like any variable', () => {
    const { values } = resolveVariables('https://${host}', { host: 'api.example.com' });

    expect(values.baseUrl).toBe('https://api.example.com');
  });
});

describe('variables in a suite', () => {
  it('refuses an undefined or circular chain at the variable, with its path', () => {
    expect(problemsOf(suiteUsing({ a: '${b}', b: '${a}', c: '${nope}' }, { url: '/${c}' }))).toEqual([
      'environments.prod.variables.b: expected variables without a cycle, got ${a} → ${b} → ${a}',
      'environments.prod.variables.c: unknown variable ${nope} (defined: a, b, c, baseUrl)',
    ]);
  });

  it('refuses a reference to an undefined variable in the URL, headers and body', () => {
    expect(
      problemsOf(suiteUsing({}, { url: '/${x}', headers: { 'x-h': '${y}' }, body: { id: '${z}' } })),
    ).toEqual([
      'probes[0].request.url: unknown variable ${x} in environment "prod" (defined: baseUrl)',
      'probes[0].request.headers.x-h: unknown variable ${y} in environment "prod" (defined: baseUrl)',
      'probes[0].request.body: unknown variable ${z} in environment "prod" (defined: baseUrl)',
    ]);
  });

  it.each([
    ['baseUrl', 'other than baseUrl'],
    ['my-var', 'other than baseUrl'],
    ['1st', 'other than baseUrl'],
  ])('refuses the variable name %s', (name) => {
    expect(problemsOf(suiteUsing({ [name]: 'v' }, { url: '/' }))).toEqual([
      `environments.prod.variables.${name}: expected the key to be a variable name of letters, digits and "_" (used as \${name}), other than baseUrl, got "${name}"`,
    ]);
  });

  it('sends the fully resolved text, never a literal ${x}, and leaves only secrets to the worker', () => {
    const suite = validateSuite(
      suiteUsing(
        { token: { secret: 'env:TOKEN' }, auth: 'Bearer ${token}', tenant: 'acme', path: '/t/${tenant}' },
        { url: '${path}/orders', headers: { authorization: '${auth}' }, body: { tenant: '${tenant}' } },
      ),
    ) as Suite;
    const probe = resolveProbe(suite, suite.probes[0]!, 'prod');

    expect(probe.request).toMatchObject({
      url: 'https://api.example.com/t/acme/orders',
      body: '{"tenant":"acme"}',
      headers: expect.objectContaining({ authorization: 'Bearer ${token}' }),
    });
    expect(probe.secrets).toEqual({ token: 'env:TOKEN' });
    expect(prepareRequest(probe, { token: 't0k' }).headers.authorization).toBe('Bearer t0k');
  });

  it('throws a named error, not a crash, if an unvalidated suite reaches resolution with a cycle', () => {
    const suite = validateSuite(suiteUsing({}, { url: '/' })) as Suite;
    const broken = {
      ...suite,
      environments: { prod: { ...suite.environments.prod!, variables: { a: '${a}' } } },
    };

    expect(() => resolveProbe(broken, broken.probes[0]!, 'prod')).toThrow(UnresolvedVariableError);
    expect(() => resolveProbe(broken, broken.probes[0]!, 'prod')).toThrow(
      'environment "prod": variables.a: expected variables without a cycle, got ${a} → ${a}',
    );
  });
});
