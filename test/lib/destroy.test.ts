import { describe, expect, it } from 'vitest';
import { deploySuiteInput, synthStack } from '../helpers/stacks.ts';

/** What docs/deploy.md says `cdk destroy` keeps, read from the synthesized template. */
describe('cdk destroy, as the template decides it', () => {
  it('keeps the runs table and the topics keys; deletes the log groups and the queues', () => {
    const { template } = synthStack(deploySuiteInput());
    const policies = (type: string) =>
      Object.values(template.findResources(type)).map((r) => r.DeletionPolicy as string | undefined);

    expect(policies('AWS::DynamoDB::Table')).toEqual(['Retain']);
    expect(policies('AWS::KMS::Key')).toEqual(['Retain', 'Retain']);
    expect(new Set(policies('AWS::Logs::LogGroup'))).toEqual(new Set(['Delete']));
    expect(new Set(policies('AWS::SQS::Queue'))).toEqual(new Set(['Delete']));
    expect(policies('AWS::Logs::LogGroup').length).toBeGreaterThan(0);
    expect(policies('AWS::SQS::Queue').length).toBeGreaterThan(0);
  });
});
