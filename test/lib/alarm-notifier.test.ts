import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { deployedNames, deploySuite } from '../../functions/core/cloud/deployed-suite.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { AlarmNotifier } from '../../lib/alarm-notifier.ts';
import { suiteFile } from '../../lib/probe-functions.ts';
import { deploySuiteInput } from '../helpers/stacks.ts';
import { authorizationPaths } from './authorization-paths.ts';
import type { TemplateJson } from './policy-evaluator.ts';

const env = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };

describe('the notifier on its own, with a schedules dead-letter queue under a customer-managed key', () => {
  // ProbeSuite's own queue is SSE-SQS; a construct user may pass one under a customer key instead.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Keyed', { env: { account: env.account, region: env.region } });
  const deployed = deploySuite(validateSuite(deploySuiteInput()), 'prod');
  const key = new Key(stack, 'DeadLettersKey');
  const queue = new Queue(stack, 'ScheduleDeadLetters', {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
  });
  new AlarmNotifier(stack, 'Notifier', {
    names: deployedNames('bank', 'prod'),
    label: 'bank/prod',
    topic: new Topic(stack, 'Alarms'),
    table: new Table(stack, 'Runs', { partitionKey: { name: 'pk', type: AttributeType.STRING } }),
    suiteFile: suiteFile(stack, deployed),
    logRetention: RetentionDays.ONE_DAY,
    killSwitch: {
      parameterName: '/perfprobe/bank/prod/kill-switch',
      parameterArn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/perfprobe/bank/prod/kill-switch',
    },
    dashboard: undefined,
    scheduleDeadLetters: queue,
  });
  const template = Template.fromStack(stack);

  it('grants kms:Decrypt on that key through SQS only, and the walk finds the peek allowed on every side', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: unknown }[],
    );
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;

    const paths = authorizationPaths(template.toJSON() as TemplateJson, env);

    expect(statements.filter((s) => s.Action === 'kms:Decrypt')).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } },
      },
    ]);
    expect(paths.filter((p) => / → key \w+ of queue /.test(p.path))).toHaveLength(1);
    expect(paths.filter((p) => / → dead letters \w+ \(peek\)$/.test(p.path))).toHaveLength(1);
    expect(paths.filter((p) => p.problems.length > 0)).toEqual([]);
  });
});
