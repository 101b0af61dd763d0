import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The stack's partition, region and account as cdk-nag writes them in a finding's id: `<AWS::Region>` and
 * `<AWS::AccountId>` where they are tokens (an environment-agnostic stack), the values themselves where they are
 * concrete. An acknowledgement spelled with one form does not match the other.
 */
export function nagEnvironment(scope: IConstruct): { partition: string; region: string; account: string } {
  const stack = Stack.of(scope);
  const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
  return {
    partition: shown(stack.partition, 'AWS::Partition'),
    region: shown(stack.region, 'AWS::Region'),
    account: shown(stack.account, 'AWS::AccountId'),
  };
}

/** The start of an ARN of this stack's region and account, as cdk-nag writes it (see nagEnvironment). */
export function nagArn(scope: IConstruct, service: string): string {
  const { partition, region, account } = nagEnvironment(scope);
  return `arn:${partition}:${service}:${region}:${account}`;
}
