import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../functions/core/cloud/metric-data.ts';
import { CONTROL_FUNCTIONS } from '../functions/core/cloud/run-sizing.ts';
import { probeFunction } from './probe-functions.ts';
import { grantTable } from './runs-table.ts';

export interface ControlFunctionsProps {
  readonly suiteFile: string;
  readonly logRetention: RetentionDays;
  readonly table: ITable;
  readonly killSwitch: IStringParameter;
  /** The customer-managed key of their log groups. @default - CloudWatch Logs' own encryption */
  readonly encryptionKey?: IKey | undefined;
  /** X-Ray active tracing (the environment's `tracing`). @default false */
  readonly tracing?: boolean | undefined;
  /** PERFPROBE_LOCATION and friends (see locationEnvironment); empty without locations. @default {} */
  readonly located?: Readonly<Record<string, string>> | undefined;
}

/** Plan and Aggregate, the two functions every run calls once, with what each needs and nothing more. */
export function controlFunctions(
  scope: Construct,
  props: ControlFunctionsProps,
): { plan: NodejsFunction; aggregate: NodejsFunction } {
  const runsTable = { RUNS_TABLE: props.table.tableName, ...props.located };
  const plan = probeFunction(scope, 'Plan', {
    handler: 'plan',
    suiteFile: props.suiteFile,
    timeout: Duration.millis(CONTROL_FUNCTIONS.plan.timeoutMs),
    memorySize: CONTROL_FUNCTIONS.plan.memoryMb,
    logRetention: props.logRetention,
    encryptionKey: props.encryptionKey,
    tracing: props.tracing,
    environment: { KILL_SWITCH_PARAMETER: props.killSwitch.parameterName, ...runsTable },
  });
  plan.addToRolePolicy(
    new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [props.killSwitch.parameterArn] }),
  );
  // The run's lease: a conditional put on (environment, probe, scheduled time).
  grantTable(plan, props.table, ['PutItem']);
  const aggregate = probeFunction(scope, 'Aggregate', {
    handler: 'aggregate',
    suiteFile: props.suiteFile,
    timeout: Duration.millis(CONTROL_FUNCTIONS.aggregate.timeoutMs),
    memorySize: CONTROL_FUNCTIONS.aggregate.memoryMb,
    logRetention: props.logRetention,
    encryptionKey: props.encryptionKey,
    tracing: props.tracing,
    environment: runsTable,
  });
  // Reads the shard items (Query), the baseline (GetItem), writes the run (PutItem).
  grantTable(aggregate, props.table, ['Query', 'GetItem', 'PutItem']);
  aggregate.addToRolePolicy(
    new PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
    }),
  );
  return { plan, aggregate };
}
