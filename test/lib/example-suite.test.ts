import { describe, expect, it } from 'vitest';
import { endpointWarnings } from '../../functions/core/cloud/subscription-endpoint.ts';
import { loadSuite } from '../../functions/local/load-suite.ts';
import { synthStack } from '../helpers/stacks.ts';

describe('probes/example-bank.ts, the suite users copy', () => {
  it('keeps its PagerDuty integration URL out of the prod template: CloudFormation resolves it from Secrets Manager', async () => {
    const suite = await loadSuite('probes/example-bank.ts');

    const { template } = synthStack(suite, 'prod', { validated: true });
    const json = JSON.stringify(template.toJSON());

    expect(json).not.toMatch(/pagerduty\.com/);
    expect(json).not.toMatch(/integration/i);
    const endpoints = Object.values(template.findResources('AWS::SNS::Subscription'))
      .filter((s) => s.Properties.Protocol === 'https')
      .map((s) => s.Properties.Endpoint);
    // The alarm topic's and the watch topic's subscription: both by reference.
    expect(endpoints).toEqual([
      '{{resolve:secretsmanager:example-bank/prod/pagerduty:SecretString:url}}',
      '{{resolve:secretsmanager:example-bank/prod/pagerduty:SecretString:url}}',
    ]);
    expect(endpointWarnings('prod', suite.environments.prod!.notify)).toEqual([]);
  });
});
