import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { type ITopic, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deployProblems } from '../functions/core/cloud/deploy-checks.ts';
import { type DeployedSuite, deploySuite } from '../functions/core/cloud/deployed-suite.ts';
import { METRIC_NAMESPACE } from '../functions/core/cloud/metric-data.ts';
import { RUN_KEYS } from '../functions/core/cloud/run-record.ts';
import {
  CONTROL_FUNCTIONS,
  LAMBDA_MAX_MS,
  plannedShards,
  RUNNERS,
  type RunnerKind,
  runnerFor,
  workerBudgetMs,
} from '../functions/core/cloud/run-sizing.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';
import { parseSecretReference } from '../functions/core/secret-reference.ts';
import type { Suite } from '../functions/core/suite/schema.ts';
import { SuiteValidationError } from '../functions/core/suite/validate-suite.ts';
import { ProbeAlarms } from './probe-alarms.ts';
import { probeDashboard } from './probe-dashboard.ts';
import { probeFunction, seconds } from './probe-functions.ts';
import { RunStateMachine } from './run-state-machine.ts';

export interface ProbeSuiteProps {
  /** The suite, as validateSuite returns it. */
  readonly suite: Suite;
  /** The suite environment these probes run against (its base URL, variables, caps and subscriptions). */
  readonly environment: string;
  /** The suite's file, named in error messages. @default - no file named */
  readonly source?: string;
  /**
   * Topic for alarm and OK actions.
   * @default - a new KMS-encrypted, TLS-only topic subscribed to the environment's `notify` addresses
   */
  readonly topic?: ITopic;
  /** Retention of the functions' and state machines' logs. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** What happens to the runs table when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /** Whether to create a CloudWatch dashboard for the environment. @default true */
  readonly dashboard?: boolean;
}

/**
 * Everything that runs a suite's probes in one environment: a schedule per probe starting a Step Functions run
 * (Plan → Map of workers → Aggregate), the runs table, metrics, alarms per probe and the topic on-call
 * subscribes to. Usable on its own in any CDK app.
 */
export class ProbeSuite extends Construct {
  readonly deployed: DeployedSuite;
  readonly table: Table;
  readonly topic: ITopic;
  /** One state machine per kind of runner the suite needs (see RUNNERS). */
  readonly stateMachines: Partial<Record<RunnerKind, StateMachine>> = {};
  readonly alarms: Record<string, ProbeAlarms> = {};
  readonly killSwitch: StringParameter;

  constructor(scope: Construct, id: string, props: ProbeSuiteProps) {
    super(scope, id);
    const { suite, environment } = props;
    const deployed = deploySuite(suite, environment);
    const problems = deployProblems(deployed, (probeId) => suite.probes.findIndex((p) => p.id === probeId));
    if (problems.length > 0) throw new SuiteValidationError(problems, props.source);
    this.deployed = deployed;
    const probes = Object.values(deployed.probes);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.table = new Table(this, 'Runs', {
      partitionKey: { name: RUN_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: RUN_KEYS.sort, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: RUN_KEYS.expiry,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.topic = props.topic ?? this.createTopic(suite, environment);

    // The kill switch: `on` pauses every probe of the environment within 30 s, without a redeploy.
    this.killSwitch = new StringParameter(this, 'KillSwitch', {
      parameterName: `/perfprobe/${deployed.suite}/${environment}/kill-switch`,
      stringValue: 'off',
      description:
        'perfprobe: "on" stops new runs of every probe of this environment (in-flight runs finish)',
    });
    const plan = probeFunction(this, 'Plan', {
      handler: 'plan',
      deployed,
      timeout: Duration.millis(CONTROL_FUNCTIONS.plan.timeoutMs),
      memorySize: CONTROL_FUNCTIONS.plan.memoryMb,
      logRetention,
      environment: { KILL_SWITCH_PARAMETER: this.killSwitch.parameterName },
    });
    plan.addToRolePolicy(
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.killSwitch.parameterArn] }),
    );
    const aggregate = probeFunction(this, 'Aggregate', {
      handler: 'aggregate',
      deployed,
      timeout: Duration.millis(CONTROL_FUNCTIONS.aggregate.timeoutMs),
      memorySize: CONTROL_FUNCTIONS.aggregate.memoryMb,
      logRetention,
      environment: { RUNS_TABLE: this.table.tableName },
    });
    aggregate.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [this.table.tableArn] }),
    );
    aggregate.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );

    const dlq = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the schedules; it has no dead-letter queue of its own.',
    });

    const workers: NodejsFunction[] = [];
    for (const kind of Object.keys(RUNNERS) as RunnerKind[]) {
      const mine = probes.filter((p) => runnerFor(p) === kind);
      if (mine.length === 0) continue;
      const runner = RUNNERS[kind];
      const workerTimeout = seconds(Math.min(LAMBDA_MAX_MS, Math.max(...mine.map(workerBudgetMs)) + 10_000));
      const worker = probeFunction(this, `${runner.name}Worker`, {
        handler: 'worker',
        deployed,
        timeout: workerTimeout,
        memorySize: runner.workerMemoryMb,
        logRetention,
      });
      workers.push(worker);
      this.grantSecrets(worker, mine);
      const machine = new RunStateMachine(this, `${runner.name}Runs`, {
        kind: runner.workflow,
        plan,
        worker,
        aggregate,
        workerTimeout,
        maxShards: Math.max(...mine.map(plannedShards)),
        logRetention,
      }).stateMachine;
      this.stateMachines[kind] = machine;
      for (const probe of mine) {
        new Schedule(this, `Schedule-${probe.id}`, {
          description: `perfprobe ${deployed.suite}/${environment}: ${probe.id}`,
          schedule: ScheduleExpression.expression(
            probe.schedule.expression,
            TimeZone.of(probe.schedule.timezone),
          ),
          target: new StepFunctionsStartExecution(machine, {
            // Only the id: request details and secret references are bundled, never in execution history.
            input: ScheduleTargetInput.fromObject({ probeId: probe.id }),
            // A missed run is better than a duplicate one: retries would stack load on the target.
            retryAttempts: 0,
            deadLetterQueue: dlq,
          }),
        });
      }
    }

    const dashboardName = `perfprobe-${deployed.suite}-${environment}`;
    if (props.dashboard ?? true) probeDashboard(this, 'Dashboard', dashboardName, deployed);
    for (const probe of probes) {
      this.alarms[probe.id] = new ProbeAlarms(this, `Alarms-${probe.id}`, {
        probe,
        topic: this.topic,
        dashboardName,
      });
    }

    this.acknowledgeFindings([plan, ...workers, aggregate]);
    new CfnOutput(this, 'RunsTable', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopic', { value: this.topic.topicArn });
    new CfnOutput(this, 'KillSwitchParameter', { value: this.killSwitch.parameterName });
    for (const [kind, machine] of Object.entries(this.stateMachines)) {
      new CfnOutput(this, `${RUNNERS[kind as RunnerKind].name}StateMachine`, {
        value: machine.stateMachineArn,
      });
    }
  }

  private createTopic(suite: Suite, environment: string): Topic {
    const key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: `perfprobe ${suite.name}/${environment}: encrypts the alarm topic`,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic: it must be able to use the key.
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new Topic(this, 'Alarms', {
      displayName: `perfprobe ${suite.name} ${environment}`,
      masterKey: key,
      enforceSSL: true,
    });
    const notify = suite.environments[environment]!.notify;
    for (const email of notify.email) topic.addSubscription(new EmailSubscription(email));
    for (const url of notify.https) {
      topic.addSubscription(new UrlSubscription(url, { protocol: SubscriptionProtocol.HTTPS }));
    }
    return topic;
  }

  /** Lets a worker read exactly the secrets its probes reference, and nothing else. */
  private grantSecrets(worker: NodejsFunction, probes: readonly ResolvedProbe[]): void {
    const stack = Stack.of(this);
    const parameters = new Set<string>();
    const secrets = new Set<string>();
    for (const probe of probes) {
      for (const reference of Object.values(probe.secrets)) {
        const parsed = parseSecretReference(reference);
        if (parsed?.scheme === 'ssm') {
          parameters.add(
            stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parsed.name.slice(1) }),
          );
        } else if (parsed?.scheme === 'secretsmanager') {
          secrets.add(
            stack.formatArn({
              service: 'secretsmanager',
              resource: 'secret',
              // Secrets Manager appends six random characters to a secret's name in its ARN.
              resourceName: `${parsed.name}-??????`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          );
        }
      }
    }
    if (parameters.size > 0) {
      worker.addToRolePolicy(
        new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [...parameters] }),
      );
    }
    if (secrets.size > 0) {
      worker.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...secrets] }),
      );
      for (const arn of secrets) {
        const shown = arn.replace(/\$\{Token\[[^\]]+\]\}/g, '').split(':secret:')[1];
        Validations.of(worker).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${shown}]`,
          reason:
            'A Secrets Manager ARN ends in six random characters: the wildcard matches only that suffix of the one secret named.',
        });
      }
    }
  }

  /** The AwsSolutions findings this design accepts, each with its reason. */
  private acknowledgeFindings(functions: NodejsFunction[]): void {
    const stack = Stack.of(this);
    for (const fn of functions) {
      const ack = (id: string, reason: string) => Validations.of(fn).acknowledge({ id, reason });
      ack(
        'AwsSolutions-L1',
        'nodejs22.x is pinned on purpose: the bundles target node22 and the project is tested on that line; a runtime upgrade is a tested change, not a drift.',
      );
      ack(
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AWSLambdaBasicExecutionRole only lets the function write its own logs (CreateLogStream, PutLogEvents).',
      );
      ack(
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords and CloudWatch PutMetricData have no resource-level permissions; PutMetricData is limited to the Perfprobe namespace by condition.',
      );
    }
    for (const machine of Object.values(this.stateMachines)) {
      const ack = (id: string, reason: string) => Validations.of(machine).acknowledge({ id, reason });
      ack(
        'AwsSolutions-IAM5[Resource::*]',
        'Step Functions log delivery (logs:CreateLogDelivery and friends) and X-Ray tracing have no resource-level permissions.',
      );
      const machineId = stack.getLogicalId(machine.node.defaultChild as CfnStateMachine);
      const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}`;
      for (const resource of [`${executions}:*`, `${executions}/*:*`]) {
        ack(
          `AwsSolutions-IAM5[Resource::${resource}]`,
          'A Distributed Map starts and reads its own child executions, whose names are generated at run time.',
        );
      }
      for (const fn of functions) {
        const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
        ack(
          `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
          'lambda:InvokeFunction on the function and its versions, as the LambdaInvoke task grants; nothing else.',
        );
      }
    }
  }
}
