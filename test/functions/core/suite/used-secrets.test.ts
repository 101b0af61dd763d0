import { describe, expect, it } from 'vitest';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';

describe('secrets a probe uses', () => {
  const suite = validateSuite({
    name: 'bank',
    environments: {
      prod: {
        baseUrl: 'https://api.example.com',
        variables: {
          token: { secret: 'ssm:/bank/prod/token' },
          apiKey: { secret: 'secretsmanager:bank/prod#key' },
          legacy: { secret: 'ssm:/bank/prod/legacy' },
          flowKey: { secret: 'env:FLOW_KEY' },
          auth: 'Bearer ${token}',
          region: 'eu',
        },
      },
    },
    probes: [
      {
        id: 'pay',
        request: { url: '/pay?key=${apiKey}&region=${region}', headers: { authorization: '${auth}' } },
      },
      { id: 'health', request: { url: '/health' } },
      {
        id: 'flow',
        steps: [
          { name: 'a', request: { url: '/a' } },
          { name: 'b', request: { method: 'POST', url: '/b', body: { key: '${flowKey}' } } },
        ],
      },
    ],
  });
  const [pay, health, flow] = suite.probes.map((p) => resolveProbe(suite, p, 'prod'));

  it('keeps only the secret variables its requests reference, directly or through another variable', () => {
    expect(pay!.secrets).toEqual({ token: 'ssm:/bank/prod/token', apiKey: 'secretsmanager:bank/prod#key' });
    expect(flow!.secrets).toEqual({ flowKey: 'env:FLOW_KEY' });
  });

  it('gives a probe that uses no secret none of its environment’s', () => {
    expect(health!.secrets).toEqual({});
  });
});
