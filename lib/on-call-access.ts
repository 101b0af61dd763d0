import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { silencePartitionKey } from '../functions/core/notify/silence.ts';
import { tableKeyStatement } from './customer-key.ts';

/**
 * What on-call attaches: a read-only policy for the runs a page names, and a separate one for silences (a
 * write, so the read policy stays read-only).
 */
export function onCallAccess(
  scope: Construct,
  label: string,
  environment: string,
  table: ITable,
): { readRuns: ManagedPolicy; silence: ManagedPolicy } {
  // The CLI finds the table's name in this stack's outputs, so on-call needs no name to pass.
  const describeStack = () =>
    new PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [Stack.of(scope).stackId],
    });
  // Query only: no write, no Scan of other probes' partitions is needed, as every read is one probe's partition.
  const readRuns = new ManagedPolicy(scope, 'OnCallReadRuns', {
    description: `perfprobe ${label}: read this environment's stored runs (on-call)`,
    statements: [
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [table.tableArn] }),
      describeStack(),
      ...(table.encryptionKey ? [tableKeyStatement(scope, table.encryptionKey, false)] : []),
    ],
  });
  // Query, PutItem and UpdateItem on the environment's silences partition only (dynamodb:LeadingKeys), nothing
  // else of the table.
  const silence = new ManagedPolicy(scope, 'OnCallSilence', {
    description: `perfprobe ${label}: list, add and end silences (on-call)`,
    statements: [
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [silencePartitionKey(environment)] },
        },
      }),
      describeStack(),
      ...(table.encryptionKey ? [tableKeyStatement(scope, table.encryptionKey, true)] : []),
    ],
  });
  return { readRuns, silence };
}
