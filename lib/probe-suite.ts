import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import {
  type IManagedPolicy,
  ManagedPolicy,
  PermissionsBoundary,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { type IStringParameter, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deployProblems } from '../functions/core/cloud/deploy-checks.ts';
import {
  type DeployedNames,
  type DeployedSuite,
  deployedNames,
  deploySuite,
} from '../functions/core/cloud/deployed-suite.ts';
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
  workerReservations,
} from '../functions/core/cloud/run-sizing.ts';
import { silencePartitionKey } from '../functions/core/notify/silence.ts';
import type { Suite } from '../functions/core/suite/schema.ts';
import { transportReferences } from '../functions/core/suite/transport-schema.ts';
import { SuiteValidationError } from '../functions/core/suite/validate-suite.ts';
import { AlarmNotifier } from './alarm-notifier.ts';
import { AlarmTopic } from './alarm-topic.ts';
import { ProbeAlarms } from './probe-alarms.ts';
import { probeDashboard } from './probe-dashboard.ts';
import { type FunctionPlacement, probeFunction, seconds, suiteFile } from './probe-functions.ts';
import { RunStateMachine } from './run-state-machine.ts';
import { grantSecrets } from './secret-grants.ts';
import { checkResourceCount } from './stack-limits.ts';
import { SystemAlarms } from './system-alarms.ts';

export interface ProbeSuiteProps {
  /** The suite, as validateSuite returns it. */
  readonly suite: Suite;
  /** The suite environment these probes run against (its base URL, variables, caps and subscriptions). */
  readonly environment: string;
  /** The suite's file, named in error messages. @default - no file named */
  readonly source?: string;
  /**
   * Topic for alarm and OK actions. Its policies must let this stack's alarms publish (see AlarmTopic).
   * @default - a new KMS-encrypted, TLS-only topic subscribed to the environment's `notify` addresses
   */
  readonly topic?: ITopic;
  /** Retention of the functions' and state machines' logs. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** What happens to the runs table when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /** Whether to create a CloudWatch dashboard for the environment. @default true */
  readonly dashboard?: boolean;
  /**
   * A permissions boundary for every role this construct creates (functions, state machines, schedules),
   * as accounts that require one for deployed roles ask.
   * @default - no boundary
   */
  readonly permissionsBoundary?: IManagedPolicy;
  /**
   * The VPC the workers run in: for private APIs, or for egress through allow-listed NAT addresses. Only
   * workers call the target; Plan and Aggregate stay outside. The subnets need a route to DynamoDB (a gateway
   * endpoint) and to SSM / Secrets Manager (interface endpoints or NAT) for the workers' secrets and results.
   * @default - workers run outside any VPC
   */
  readonly vpc?: IVpc;
  /** The workers' subnets in `vpc`. @default - the VPC's private subnets */
  readonly subnets?: SubnetSelection;
  /** The workers' security groups in `vpc`. @default - one group allowing all egress */
  readonly securityGroups?: ISecurityGroup[];
}

/**
 * Everything that runs a suite's probes in one environment: a schedule per probe starting a Step Functions run
 * (Plan → Map of workers → Aggregate), the runs table, metrics, alarms per probe and for perfprobe itself,
 * and the topic on-call subscribes to. Usable on its own in any CDK app.
 */
export class ProbeSuite extends Construct {
  readonly deployed: DeployedSuite;
  readonly names: DeployedNames;
  readonly table: Table;
  readonly topic: ITopic;
  /** Warn-level notices' topic, when the environment's `notify.warn` names subscribers. */
  readonly warnTopic: ITopic | undefined;
  /** One state machine per kind of runner the suite needs (see RUNNERS). */
  readonly stateMachines: Partial<Record<RunnerKind, StateMachine>> = {};
  readonly alarms: Record<string, ProbeAlarms> = {};
  readonly systemAlarms: SystemAlarms;
  readonly notifier: AlarmNotifier;
  readonly killSwitch: IStringParameter;
  readonly scheduleDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: ProbeSuiteProps) {
    super(scope, id);
    const { suite, environment } = props;
    const deployed = deploySuite(suite, environment);
    const problems = deployProblems(deployed, (probeId) => suite.probes.findIndex((p) => p.id === probeId));
    if (problems.length > 0) throw new SuiteValidationError(problems, props.source);
    this.deployed = deployed;
    const names = deployedNames(deployed.suite, environment);
    this.names = names;
    const probes = Object.values(deployed.probes);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    if (props.permissionsBoundary) PermissionsBoundary.of(this).apply(props.permissionsBoundary);
    checkResourceCount(Stack.of(this), props.source);

    this.table = new Table(this, 'Runs', {
      partitionKey: { name: RUN_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: RUN_KEYS.sort, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: RUN_KEYS.expiry,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const tableAccess = (fn: IFunction, actions: string[]) =>
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: actions.map((a) => `dynamodb:${a}`),
          resources: [this.table.tableArn],
        }),
      );

    this.topic =
      props.topic ??
      new AlarmTopic(this, 'Alarms', {
        displayName: names.topicDisplayName,
        alarmPrefix: names.alarmPrefix,
        description: `perfprobe ${suite.name}/${environment}: encrypts the alarm topic`,
        email: deployed.notify.email,
        https: deployed.notify.https,
      }).topic;

    // The kill switch: `on` pauses every probe of the environment within 30 s, without a redeploy. The stack
    // names it but does not create it: a parameter CloudFormation owns goes back to its template value whenever
    // an update touches it. Whoever first turns it on creates it; absent is "off" (see killSwitchState).
    this.killSwitch = StringParameter.fromStringParameterName(this, 'KillSwitch', names.killSwitchParameter);
    const file = suiteFile(this, deployed);
    const runsTable = { RUNS_TABLE: this.table.tableName };
    const plan = probeFunction(this, 'Plan', {
      handler: 'plan',
      suiteFile: file,
      timeout: Duration.millis(CONTROL_FUNCTIONS.plan.timeoutMs),
      memorySize: CONTROL_FUNCTIONS.plan.memoryMb,
      logRetention,
      environment: { KILL_SWITCH_PARAMETER: this.killSwitch.parameterName, ...runsTable },
    });
    plan.addToRolePolicy(
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.killSwitch.parameterArn] }),
    );
    // The run's lease: a conditional put on (environment, probe, scheduled time).
    tableAccess(plan, ['PutItem']);
    const aggregate = probeFunction(this, 'Aggregate', {
      handler: 'aggregate',
      suiteFile: file,
      timeout: Duration.millis(CONTROL_FUNCTIONS.aggregate.timeoutMs),
      memorySize: CONTROL_FUNCTIONS.aggregate.memoryMb,
      logRetention,
      environment: runsTable,
    });
    // Reads the shard items (Query), the baseline (GetItem), writes the run (PutItem).
    tableAccess(aggregate, ['Query', 'GetItem', 'PutItem']);
    aggregate.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );

    this.scheduleDeadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.scheduleDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the schedules; it has no dead-letter queue of its own.',
    });

    // One role for every schedule, made here rather than as the targets' stack-level singleton, so that the
    // permissions boundary covers it too. Scheduler names the schedule group as the source.
    const stack = Stack.of(this);
    const schedulesRole = new Role(this, 'SchedulesRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
      description:
        'perfprobe schedules: start a run of their state machine, or leave the reason in the dead-letter queue',
    });
    const placement: FunctionPlacement | undefined = props.vpc && {
      vpc: props.vpc,
      subnets: props.subnets,
      securityGroups: props.securityGroups,
    };
    const reservations = workerReservations(deployed);
    const workers: NodejsFunction[] = [];
    const machines: Record<string, StateMachine> = {};
    for (const kind of Object.keys(RUNNERS) as RunnerKind[]) {
      const mine = probes.filter((p) => runnerFor(p) === kind);
      if (mine.length === 0) continue;
      const runner = RUNNERS[kind];
      const workerTimeout = seconds(Math.min(LAMBDA_MAX_MS, Math.max(...mine.map(workerBudgetMs)) + 10_000));
      const worker = probeFunction(this, `${runner.name}Worker`, {
        handler: 'worker',
        suiteFile: file,
        timeout: workerTimeout,
        memorySize: runner.workerMemoryMb,
        logRetention,
        environment: runsTable,
        // The environment's budget: the most shards these probes run at once (deploy-checks bounds it).
        reservedConcurrentExecutions: reservations[kind],
        placement,
      });
      workers.push(worker);
      // Its ShardResult item.
      tableAccess(worker, ['PutItem']);
      grantSecrets(
        worker,
        // Transport references too: a client certificate and its key are read from SSM / Secrets Manager.
        mine.flatMap((p) => [
          ...Object.values(p.secrets),
          ...transportReferences(p.transport).map(([, reference]) => reference),
        ]),
      );
      // Published versions: one run uses one deploy's code throughout, even while a deploy replaces it.
      const machine = new RunStateMachine(this, `${runner.name}Runs`, {
        kind: runner.workflow,
        plan: plan.currentVersion,
        worker: worker.currentVersion,
        aggregate: aggregate.currentVersion,
        workerTimeout,
        maxShards: Math.max(...mine.map(plannedShards)),
        logRetention,
      }).stateMachine;
      this.stateMachines[kind] = machine;
      machines[runner.name] = machine;
      for (const probe of mine) {
        new Schedule(this, `Schedule-${probe.id}`, {
          description: `perfprobe ${deployed.suite}/${environment}: ${probe.id}`,
          schedule: ScheduleExpression.expression(
            probe.schedule.expression,
            TimeZone.of(probe.schedule.timezone),
          ),
          target: new StepFunctionsStartExecution(machine, {
            // The id and the tick: request details and secret references are bundled, never in execution
            // history; the scheduled time keys Plan's lease, so a duplicate execution sends no load.
            input: ScheduleTargetInput.fromObject({
              probeId: probe.id,
              scheduledTime: ContextAttribute.scheduledTime,
            }),
            // A missed run is better than a duplicate one: retries would stack load on the target.
            retryAttempts: 0,
            deadLetterQueue: this.scheduleDeadLetters,
            role: schedulesRole,
          }),
        });
      }
    }

    const dashboard = props.dashboard ?? true;
    if (dashboard) probeDashboard(this, 'Dashboard', names.dashboard, deployed);
    for (const probe of probes) {
      this.alarms[probe.id] = new ProbeAlarms(this, `Alarms-${probe.id}`, {
        probe,
        topic: this.topic,
        names,
      });
    }
    this.systemAlarms = new SystemAlarms(this, 'SystemAlarms', {
      names,
      label: `${deployed.suite}/${environment}`,
      topic: this.topic,
      scheduleDeadLetters: this.scheduleDeadLetters,
      stateMachines: machines,
    });

    // Warn-level notices (hourly digests of missed warn targets) have subscribers of their own, never on-call's.
    const warn = deployed.notify.warn;
    this.warnTopic =
      warn.email.length + warn.https.length === 0
        ? undefined
        : new AlarmTopic(this, 'Warnings', {
            displayName: `${names.topicDisplayName.slice(0, 90)} warnings`,
            alarmPrefix: names.alarmPrefix,
            description: `perfprobe ${suite.name}/${environment}: encrypts the warn-level notices topic`,
            email: warn.email,
            https: warn.https,
          }).topic;
    this.notifier = new AlarmNotifier(this, 'Notifier', {
      names,
      label: `${deployed.suite}/${environment}`,
      topic: this.topic,
      table: this.table,
      suiteFile: file,
      logRetention,
      killSwitch: this.killSwitch,
      dashboard: dashboard ? names.dashboard : undefined,
      warnTopic: this.warnTopic,
      scheduleDeadLetters: this.scheduleDeadLetters,
    });

    this.acknowledgeFindings([plan, ...workers, aggregate, this.notifier.function]);
    // What on-call attaches to read the runs a page names (Query only: no write, no Scan of other probes'
    // partitions is needed, as every read is one probe's partition).
    const onCall = new ManagedPolicy(this, 'OnCallReadRuns', {
      description: `perfprobe ${deployed.suite}/${environment}: read this environment's stored runs (on-call)`,
      statements: [
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: [this.table.tableArn] }),
        // The CLI finds the table's name in this stack's outputs, so on-call needs no name to pass.
        new PolicyStatement({
          actions: ['cloudformation:DescribeStacks'],
          resources: [Stack.of(this).stackId],
        }),
      ],
    });
    // Silencing is a write, so it is a policy of its own (the read policy stays read-only): Query, PutItem and
    // UpdateItem on the environment's silences partition only (dynamodb:LeadingKeys), nothing else of the table.
    const silencesKey = silencePartitionKey(environment);
    const onCallSilence = new ManagedPolicy(this, 'OnCallSilence', {
      description: `perfprobe ${deployed.suite}/${environment}: list, add and end silences (on-call)`,
      statements: [
        new PolicyStatement({
          actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: [this.table.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [silencesKey] } },
        }),
        new PolicyStatement({
          actions: ['cloudformation:DescribeStacks'],
          resources: [Stack.of(this).stackId],
        }),
      ],
    });
    // Stable output keys (not the construct path's hashed logical ids): the CLI and on-call look them up by name.
    const output = (key: string, value: string) => new CfnOutput(this, key, { key, value });
    output('RunsTable', this.table.tableName);
    output('OnCallReadRunsPolicy', onCall.managedPolicyArn);
    output('OnCallSilencePolicy', onCallSilence.managedPolicyArn);
    output('AlarmTopic', this.topic.topicArn);
    if (this.warnTopic) output('WarnTopic', this.warnTopic.topicArn);
    output('KillSwitchParameter', this.killSwitch.parameterName);
    output('AlarmNamePrefix', names.alarmPrefix);
    for (const [kind, machine] of Object.entries(this.stateMachines)) {
      output(`${RUNNERS[kind as RunnerKind].name}StateMachine`, machine.stateMachineArn);
    }
  }

  /** The AwsSolutions findings this design accepts, each with its reason. */
  private acknowledgeFindings(functions: NodejsFunction[]): void {
    const stack = Stack.of(this);
    for (const fn of functions) {
      const ack = (id: string, reason: string) => Validations.of(fn).acknowledge({ id, reason });
      ack(
        'AwsSolutions-L1',
        'nodejs22.x, not the newest runtime, on purpose: the bundles target node22, and the handler, bundle and state-machine tests run on Node 22 (npx -p node@22, as CI does) besides Node 20; no test runs on Node 24, so moving to nodejs24.x is a tested change, not a drift.',
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
    }
  }
}
