import { describe, expect, it } from 'vitest';
import { deploySuite } from '../../../../functions/core/cloud/deployed-suite.ts';
import {
  credentialInUrl,
  deployedEndpoint,
  endpointWarnings,
} from '../../../../functions/core/cloud/subscription-endpoint.ts';
import { SuiteValidationError, validateSuite } from '../../../../functions/core/suite/validate-suite.ts';

const suiteWith = (https: unknown[]) => ({
  name: 'bank',
  environments: { prod: { baseUrl: 'https://api.example.com', notify: { https } } },
  probes: [{ id: 'health', request: { url: '/health' } }],
});

describe('HTTPS subscriptions that are credentials', () => {
  it('deploys a Secrets Manager or SSM reference as a CloudFormation dynamic reference, never the URL', () => {
    expect(deployedEndpoint({ secret: 'secretsmanager:bank/prod/pagerduty#url' })).toBe(
      '{{resolve:secretsmanager:bank/prod/pagerduty:SecretString:url}}',
    );
    expect(deployedEndpoint({ secret: 'secretsmanager:bank/prod/pagerduty-url' })).toBe(
      '{{resolve:secretsmanager:bank/prod/pagerduty-url}}',
    );
    expect(deployedEndpoint({ secret: 'ssm:/bank/prod/pagerduty-url' })).toBe(
      '{{resolve:ssm:/bank/prod/pagerduty-url}}',
    );
    expect(deployedEndpoint('https://hooks.example.com/perfprobe')).toBe(
      'https://hooks.example.com/perfprobe',
    );
  });

  it('carries the reference through to every topic it subscribes (alarms and the watch)', () => {
    const deployed = deploySuite(validateSuite(suiteWith([{ secret: 'ssm:/bank/prod/pd' }])), 'prod');
    expect(deployed.notify.https).toEqual(['{{resolve:ssm:/bank/prod/pd}}']);
    expect(deployed.notify.watch.https).toEqual(['{{resolve:ssm:/bank/prod/pd}}']);
  });

  it('refuses an env: reference (nothing resolves it at deploy) and a #kms= suffix, naming the field', () => {
    for (const secret of ['env:PD_URL', 'ssm:/bank/pd#kms=alias/bank']) {
      expect(() => validateSuite(suiteWith([{ secret }]))).toThrow(SuiteValidationError);
      expect(() => validateSuite(suiteWith([{ secret }]))).toThrow(
        /environments\.prod\.notify\.https\[0\]\.secret: expected a reference to where the endpoint URL is kept/,
      );
    }
  });

  it.each([
    [
      'https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue',
      'a key-like path segment (2. of the path)',
    ],
    ['https://events.pagerduty.com/integration/EXAMPLE/enqueue', 'an integration key in the path'],
    ['https://hooks.example.com/perfprobe?token=abc', 'a "token" query parameter'],
    ['https://hooks.example.com/alerts?api_key=abc', 'a "api_key" query parameter'],
    ['https://user:pass@hooks.example.com/alerts', 'a user and password'],
    [
      'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXX1234',
      'a key-like path segment (4. of the path)',
    ],
  ])('says %s carries a credential (%s)', (url, why) => {
    expect(credentialInUrl(url)).toBe(why);
  });

  it.each([
    'https://hooks.example.com/perfprobe',
    'https://hooks.example.com/alerts?team=payments&severity=page',
    // 19 characters: below a key's length; all letters: a word, not a key.
    'https://hooks.example.com/a1b2c3d4e5f6g7h8i9j/x',
    'https://hooks.example.com/perfprobe-payments-production-alerts',
  ])('says %s carries none', (url) => {
    expect(credentialInUrl(url)).toBeUndefined();
  });

  it('warns for each plain endpoint that seems to carry one, with its path and the safe way, not for references', () => {
    const suite = validateSuite(
      suiteWith([
        'https://hooks.example.com/perfprobe',
        'https://x.example.com/a?token=1',
        { secret: 'ssm:/pd' },
      ]),
    );
    expect(endpointWarnings('prod', suite.environments.prod!.notify)).toEqual([
      {
        path: 'environments.prod.notify.https[1]',
        message:
          'the URL seems to carry a credential (a "token" query parameter); deployed, it would be in plain text in the template and cdk.out: keep the URL in Secrets Manager or SSM and write { secret: "secretsmanager:name#field" } or { secret: "ssm:/name" }, or subscribe the endpoint to the AlarmTopic output out of band',
      },
    ]);
  });
});
