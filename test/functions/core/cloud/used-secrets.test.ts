import { describe, expect, it } from 'vitest';
import { withUsedSecrets } from '../../../../functions/core/cloud/used-secrets.ts';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';

describe('secrets a probe uses', () => {
  it('keeps only the secret variables its request references, wherever they appear', () => {
    const suite = validateSuite({
      name: 'bank',
      environments: {
        prod: {
          baseUrl: 'https://api.example.com',
          variables: {
            token: { secret: 'ssm:/bank/prod/token' },
            apiKey: { secret: 'secretsmanager:bank/prod#key' },
            legacy: { secret: 'ssm:/bank/prod/legacy' },
            region: 'eu',
          },
        },
      },
      probes: [
        {
          id: 'pay',
          request: {
            url: '/pay?key=${apiKey}&region=${region}',
            headers: { authorization: 'Bearer ${token}' },
          },
        },
        { id: 'health', request: { url: '/health' } },
      ],
    });
    const [pay, health] = suite.probes.map((p) => resolveProbe(suite, p, 'prod'));

    // Every environment secret reaches every probe (resolve-probe), so the worker filters.
    expect(Object.keys(health!.secrets).sort()).toEqual(['apiKey', 'legacy', 'token']);
    expect(withUsedSecrets(pay!).secrets).toEqual({
      token: 'ssm:/bank/prod/token',
      apiKey: 'secretsmanager:bank/prod#key',
    });
    expect(withUsedSecrets(health!).secrets).toEqual({});
  });
});
