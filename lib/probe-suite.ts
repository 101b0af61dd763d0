import { CfnOutput, NestedStack, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { type IManagedPolicy, PermissionsBoundary } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { type IStringParameter, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deployProblems } from '../functions/core/cloud/deploy-checks.ts';
import {
  deployedAt,
  deployedLocations,
  homeOf,
  isMultiLocation,
  locationEnvironment,
  locationRunsTableName,
  locationTables,
  remoteLocations,
} from '../functions/core/cloud/deployed-locations.ts';
import {
  type DeployedNames,
  type DeployedSuite,
  deployedNames,
  deploySuite,
  type Subscriptions,
} from '../functions/core/cloud/deployed-suite.ts';
import { RUNNERS, type RunnerKind } from '../functions/core/cloud/run-sizing.ts';
import {
  partId,
  probeDashboardName,
  probePart,
  type StackLayout,
  stackLayout,
} from '../functions/core/cloud/stack-layout.ts';
import type { ResolvedProbe } from '../functions/core/plan.ts';
import type { Suite } from '../functions/core/suite/schema.ts';
import { SuiteValidationError } from '../functions/core/suite/validate-suite.ts';
import { AlarmForwarding, HomeMachineryRoute } from './alarm-forwarding.ts';
import { AlarmNotifier, type AlarmNotifierProps } from './alarm-notifier.ts';
import { AlarmTopic } from './alarm-topic.ts';
import { controlFunctions } from './control-functions.ts';
import { allowServicesOnKey } from './customer-key.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { DeliveryWatch, type WatchedTopic } from './delivery-watch.ts';
import { drillAlarm } from './drill-alarm.ts';
import { machineryRow } from './machinery-dashboard.ts';
import { nagArn } from './nag-arn.ts';
import { onCallAccess } from './on-call-access.ts';
import { ProbeAlarms } from './probe-alarms.ts';
import { probeDashboard } from './probe-dashboard.ts';
import { suiteFile } from './probe-functions.ts';
import { type ProbeRunner, probeRunners } from './probe-runners.ts';
import { runsTable } from './runs-table.ts';
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
  /** Whether to create a CloudWatch dashboard for the environment ($3 a month). @default - the environment's `dashboard` */
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
  /**
   * A customer-managed key for the runs table, every log group and every queue (the topics keep keys of their
   * own). Its policy gets statements for CloudWatch Logs, SNS and EventBridge of this account; a key imported
   * from elsewhere needs them added by its owner (see allowServicesOnKey).
   * @default - AWS-managed encryption
   */
  readonly encryptionKey?: IKey;
  /**
   * Which of the environment's locations (`environments.<env>.locations`) this construct deploys: its stack's
   * region. Every location runs its probes (schedules, state machines, workers, runs table, alarms); home also
   * holds the notifier, the topics and their watch, the dashboard and the incidents, and every other location
   * forwards its alarms' state changes to home's event bus (see AlarmForwarding).
   * @default - home (the first location, or `home`), the only one when the environment names none
   */
  readonly location?: string;
}

/**
 * Everything that runs a suite's probes in one environment: a schedule per probe starting a Step Functions run
 * (Plan → Map of workers → Aggregate), the runs table, metrics, alarms per probe and for perfprobe itself,
 * and the topic on-call subscribes to. Usable on its own in any CDK app.
 */
export class ProbeSuite extends Construct {
  /** The suite as this location runs it: the probes that run here (all of them without locations). */
  readonly deployed: DeployedSuite;
  /** This construct's location (region); undefined when the environment names none. */
  readonly location: string | undefined;
  /** Whether this is the environment's home: the notifier, topics, dashboard and incidents are here. */
  readonly isHome: boolean;
  readonly names: DeployedNames;
  readonly table: Table;
  /** The alarm topic; undefined in a location other than home (no location but home has a topic). */
  readonly topic: ITopic | undefined;
  /** Warn-level notices' topic, when the environment's `notify.warn` names subscribers. */
  readonly warnTopic: ITopic | undefined;
  /** One state machine per kind of runner the suite needs (see RUNNERS). */
  readonly stateMachines: Partial<Record<RunnerKind, StateMachine>> = {};
  readonly alarms: Record<string, ProbeAlarms> = {};
  readonly systemAlarms: SystemAlarms;
  /** Home only. */
  readonly notifier: AlarmNotifier | undefined;
  readonly killSwitch: IStringParameter;
  readonly scheduleDeadLetters: Queue;
  /** The watch on the paging path: delivery failures and the notifier's own, on a topic and key of their own. */
  readonly deliveryWatch: DeliveryWatch | undefined;
  /** A location other than home: its alarms' state changes to home's event bus. */
  readonly forwarding: AlarmForwarding | undefined;
  /** Home, with other locations: their machinery alarms, arriving on home's bus, to the topic. */
  readonly remoteMachinery: HomeMachineryRoute | undefined;
  /** The alarm `perfprobe drill` raises to prove the paging path (see drillAlarm). */
  readonly drillAlarm: Alarm;
  /** Where the probes' resources go: this stack, or nested stacks past one stack's limits (see stackLayout). */
  readonly layout: StackLayout;
  /** The nested stacks of a large environment, by construct id (`Probes07`, `Dashboard2`). */
  readonly nestedStacks: Record<string, NestedStack> = {};

  constructor(scope: Construct, id: string, props: ProbeSuiteProps) {
    super(scope, id);
    const { suite, environment } = props;
    const whole = deployable(suite, environment, props.source);
    const location = props.location ?? homeOf(whole);
    checkLocation(whole, location);
    this.location = location;
    this.isHome = location === homeOf(whole);
    const deployed = deployedAt(whole, location);
    this.deployed = deployed;
    const names = deployedNames(deployed.suite, environment);
    this.names = names;
    const multi = isMultiLocation(whole);
    const label = `${deployed.suite}/${environment}${multi ? ` in ${location}` : ''}`;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    if (props.permissionsBoundary) PermissionsBoundary.of(this).apply(props.permissionsBoundary);
    checkResourceCount(Stack.of(this), props.source);
    this.layout = stackLayout(whole, location);
    const key = props.encryptionKey;
    if (key && multi) {
      // A key is regional: every location would need its own, and home's notifier the others' to read their runs.
      throw new Error(
        `perfprobe ${deployed.suite}/${environment}: encryptionKey with several locations (${deployedLocations(whole).join(', ')}) is not supported; use AWS-managed encryption or one location`,
      );
    }
    if (key) allowServicesOnKey(this, key);

    this.table = runsTable(
      this,
      props.tableRemovalPolicy,
      key,
      multi ? locationRunsTableName(names, location!) : undefined,
    );
    const alarmTopic =
      props.topic || !this.isHome
        ? undefined
        : this.ownTopic('Alarms', 'the alarm topic', deployed.notify, key);
    this.topic = this.isHome ? (props.topic ?? alarmTopic!.topic) : undefined;
    // The kill switch: `on` pauses every probe of the environment within 30 s, without a redeploy. The stack
    // names it but does not create it: a parameter CloudFormation owns goes back to its template value whenever
    // an update touches it. Whoever first turns it on creates it; absent is "off" (see killSwitchState). Each
    // location reads the parameter of that name in its own region: no location's runs depend on another region.
    this.killSwitch = StringParameter.fromStringParameterName(this, 'KillSwitch', names.killSwitchParameter);
    const file = suiteFile(this, deployed);
    const common = {
      suiteFile: file,
      logRetention,
      table: this.table,
      encryptionKey: key,
      tracing: deployed.tracing,
      located: location === undefined ? {} : locationEnvironment(whole, location),
    };
    const control = controlFunctions(this, { ...common, killSwitch: this.killSwitch });
    this.scheduleDeadLetters = deadLetterQueue(this, 'ScheduleDeadLetters', { key, of: 'the schedules' });
    const runners = probeRunners(this, {
      ...common,
      ...control,
      deployed,
      scopeOf: (probe) => this.scopeOf(probe, props.source),
      scheduleDeadLetters: this.scheduleDeadLetters,
      placement: props.vpc && {
        vpc: props.vpc,
        subnets: props.subnets,
        securityGroups: props.securityGroups,
      },
    });
    for (const runner of runners) this.stateMachines[runner.kind] = runner.stateMachine;
    const workers = byRunnerName(runners, (r) => r.worker);

    const dashboard = this.isHome && (props.dashboard ?? deployed.dashboard);
    // Home's dashboard shows every probe, each location's line from its own region's metrics.
    const board = dashboard ? this.dashboards(whole, props.source) : undefined;
    this.systemAlarms = this.alarmsOf(label, runners, control, props.source);
    this.drillAlarm = drillAlarm(this, names, deployed);
    const functions = [control.plan, ...runners.map((r) => r.worker), control.aggregate];
    if (!this.isHome) {
      this.deliveryWatch = undefined;
      this.notifier = undefined;
      this.warnTopic = undefined;
      this.remoteMachinery = undefined;
      this.forwarding = new AlarmForwarding(this, 'Forwarding', {
        names,
        label,
        home: homeOf(whole)!,
        queueKey: key,
      });
      this.acknowledgeFindings(functions);
      this.outputs(onCallAccess(this, label, environment, this.table));
      return;
    }
    this.forwarding = undefined;
    // Warn-level notices (hourly digests of missed warn targets) have subscribers of their own, never on-call's.
    const warn = deployed.notify.warn;
    const warnTopic = hasSubscribers(warn)
      ? this.ownTopic('Warnings', 'the warn-level notices topic', warn, key, ' warnings')
      : undefined;
    this.warnTopic = warnTopic?.topic;
    const topic = this.topic!;
    const watch = this.watch(label, topic, alarmTopic, warnTopic, key);
    this.deliveryWatch = watch;
    const notifier = this.homeNotifier(whole, common, { names, label, topic, watch, dashboard });
    this.notifier = notifier;
    this.remoteMachinery = this.remoteMachineryRoute(whole, names, topic, notifier);
    if (board)
      this.machineryRow(board, { plan: control.plan, ...workers, aggregate: control.aggregate }, alarmTopic, {
        topic,
        watch,
        notifier,
      });
    this.acknowledgeFindings([...functions, notifier.function]);
    this.outputs(onCallAccess(this, label, environment, this.table));
  }

  /** Home's notifier: every probe of every location (alarms of all of them arrive here), each location's runs. */
  private homeNotifier(
    whole: DeployedSuite,
    common: Pick<AlarmNotifierProps, 'logRetention' | 'table' | 'encryptionKey' | 'tracing' | 'located'>,
    props: {
      readonly names: DeployedNames;
      readonly label: string;
      readonly topic: ITopic;
      readonly watch: DeliveryWatch;
      readonly dashboard: boolean | undefined;
    },
  ): AlarmNotifier {
    const { names } = props;
    return new AlarmNotifier(this, 'Notifier', {
      ...common,
      suiteFile: suiteFile(this, whole),
      names,
      label: props.label,
      topic: props.topic,
      killSwitch: this.killSwitch,
      dashboard: props.dashboard ? names.dashboard : undefined,
      warnTopic: this.warnTopic,
      scheduleDeadLetters: this.scheduleDeadLetters,
      watchTopic: props.watch.topic.topic,
      locationTables: isMultiLocation(whole)
        ? Object.fromEntries(locationTables(whole, names).map((l) => [l.location, l.table]))
        : undefined,
    });
  }

  /** With other locations: their machinery alarms, arriving on home's bus, straight to the topic. */
  private remoteMachineryRoute(
    whole: DeployedSuite,
    names: DeployedNames,
    topic: ITopic,
    notifier: AlarmNotifier,
  ): HomeMachineryRoute | undefined {
    const remotes = remoteLocations(whole);
    if (remotes.length === 0) return undefined;
    return new HomeMachineryRoute(this, 'RemoteMachinery', {
      names,
      // Its texts name the alarm's own region.
      label: `${whole.suite}/${whole.environment}`,
      remotes,
      topic,
      deadLetters: notifier.deadLetters,
    });
  }

  /** The nested stack of that id, made on first use (within CloudFormation's limits, checked at synth). */
  private nested(id: string, source: string | undefined): NestedStack {
    let stack = this.nestedStacks[id];
    if (stack === undefined) {
      stack = new NestedStack(this, id, {
        description: `perfprobe ${this.deployed.suite}/${this.deployed.environment}: ${id}`,
      });
      checkResourceCount(stack, source);
      this.nestedStacks[id] = stack;
    }
    return stack;
  }

  /** Where a probe's alarms and a load's schedule go: here, or the nested stack its id hashes to. */
  private scopeOf(probe: ResolvedProbe, source: string | undefined): Construct {
    return this.layout.parts.length === 0 ? this : this.nested(partId(probePart(probe.id)), source);
  }

  /**
   * The environment's dashboard; past one stack's limits it keeps the header and perfprobe's own row, and the
   * probes' rows go to dashboards of their own, each in a nested stack.
   */
  private dashboards(deployed: DeployedSuite, source: string | undefined): Dashboard {
    const { names } = this;
    if (this.layout.dashboards.length === 0)
      return probeDashboard(this, 'Dashboard', names.dashboard, deployed);
    const probeDashboards = this.layout.dashboards.map((part, index) => {
      const name = probeDashboardName(names.dashboard, index + 1);
      probeDashboard(this.nested(part.id, source), 'Dashboard', name, deployed, { probeIds: part.probeIds });
      return name;
    });
    return probeDashboard(this, 'Dashboard', names.dashboard, deployed, { probeIds: [], probeDashboards });
  }

  /** Each probe's alarms, and the machinery's own (Plan, workers, Aggregate, state machines, schedules). */
  private alarmsOf(
    label: string,
    runners: readonly ProbeRunner[],
    control: { plan: IFunction; aggregate: IFunction },
    source: string | undefined,
  ): SystemAlarms {
    for (const probe of Object.values(this.deployed.probes)) {
      this.alarms[probe.id] = new ProbeAlarms(this.scopeOf(probe, source), `Alarms-${probe.id}`, {
        probe,
        topic: this.topic,
        names: this.names,
      });
    }
    return new SystemAlarms(this, 'SystemAlarms', {
      names: this.names,
      label,
      topic: this.topic,
      scheduleDeadLetters: this.scheduleDeadLetters,
      stateMachines: byRunnerName(runners, (r) => r.stateMachine),
      ...control,
      workers: byRunnerName(runners, (r) => r.worker),
    });
  }

  /** perfprobe's own row on the dashboard: every function, dead-letter queue and topic of the stack. */
  private machineryRow(
    board: Dashboard,
    functions: Record<string, IFunction>,
    alarmTopic: AlarmTopic | undefined,
    home: { readonly topic: ITopic; readonly watch: DeliveryWatch; readonly notifier: AlarmNotifier },
  ): void {
    const watch = home.watch.topic;
    const { plan, aggregate, ...workers } = functions;
    machineryRow(board, {
      functions: { Plan: plan!, ...workers, Aggregate: aggregate!, Notifier: home.notifier.function },
      deadLetters: {
        Schedules: this.scheduleDeadLetters,
        Notifier: home.notifier.deadLetters,
        ...(alarmTopic ? { 'Alarm topic': alarmTopic.deadLetters } : {}),
        'Watch topic': watch.deadLetters,
      },
      topics: { Alarms: home.topic, Watch: watch.topic },
    });
  }

  /** A topic of this environment (the alarm topic, the warn-level notices'), with its own key. */
  private ownTopic(
    id: string,
    what: string,
    subscriptions: Subscriptions,
    queueKey: IKey | undefined,
    suffix = '',
  ): AlarmTopic {
    return new AlarmTopic(this, id, {
      displayName: `${this.names.topicDisplayName.slice(0, suffix ? 90 : undefined)}${suffix}`,
      alarmPrefix: this.names.alarmPrefix,
      description: `perfprobe ${this.deployed.suite}/${this.deployed.environment}: encrypts ${what}`,
      email: subscriptions.email,
      https: subscriptions.https,
      queueKey,
    });
  }

  /** The watch on the topics' deliveries, paging through its own topic and key (see DeliveryWatch). */
  private watch(
    label: string,
    topic: ITopic,
    alarmTopic: AlarmTopic | undefined,
    warnTopic: AlarmTopic | undefined,
    queueKey: IKey | undefined,
  ): DeliveryWatch {
    const watched: WatchedTopic[] = [
      {
        id: 'alarms',
        carries: "every page of this environment, and perfprobe's own alarms",
        topic,
        deadLetters: alarmTopic?.deadLetters,
      },
    ];
    if (warnTopic) {
      watched.push({
        id: 'warnings',
        carries: 'warn-level notices',
        topic: warnTopic.topic,
        deadLetters: warnTopic.deadLetters,
      });
    }
    return new DeliveryWatch(this, 'Watch', {
      names: this.names,
      label,
      subscriptions: this.deployed.notify.watch,
      watched,
      fallback: topic,
      queueKey,
    });
  }

  /** Stable output keys (not the construct path's hashed logical ids): the CLI and on-call look them up by name. */
  private outputs(onCall: {
    readRuns: { managedPolicyArn: string };
    silence: { managedPolicyArn: string };
  }): void {
    const output = (key: string, value: string) => new CfnOutput(this, key, { key, value });
    output('RunsTable', this.table.tableName);
    output('OnCallReadRunsPolicy', onCall.readRuns.managedPolicyArn);
    output('OnCallSilencePolicy', onCall.silence.managedPolicyArn);
    if (this.topic) output('AlarmTopic', this.topic.topicArn);
    if (this.warnTopic) output('WarnTopic', this.warnTopic.topicArn);
    if (this.deliveryWatch) output('WatchTopic', this.deliveryWatch.topic.topic.topicArn);
    output('KillSwitchParameter', this.killSwitch.parameterName);
    output('AlarmNamePrefix', this.names.alarmPrefix);
    // What `perfprobe drill` raises and reads back.
    output('DrillAlarm', this.drillAlarm.alarmName);
    if (this.notifier) output('NotifierLogGroup', this.notifier.function.logGroup.logGroupName);
    if (this.location !== undefined) output('Location', this.location);
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
      if (!this.deployed.tracing) {
        ack(
          'AwsSolutions-SF2',
          "X-Ray is off unless the environment sets tracing: true: a trace per run costs $5 per million, about $0.22 a month for a one-minute check, more than its metrics' publishing; every execution is still logged (level ALL) and every run stored with its shards' errors.",
        );
      }
      const machineId = stack.getLogicalId(machine.node.defaultChild as CfnStateMachine);
      const executions = `${nagArn(this, 'states')}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}`;
      for (const resource of [`${executions}:*`, `${executions}/*:*`]) {
        ack(
          `AwsSolutions-IAM5[Resource::${resource}]`,
          'A Distributed Map starts and reads its own child executions, whose names are generated at run time.',
        );
      }
    }
  }
}

function hasSubscribers(subscriptions: Subscriptions): boolean {
  return subscriptions.email.length + subscriptions.https.length > 0;
}

/** The location a ProbeSuite is given is one of its environment's (none at all without locations). */
function checkLocation(deployed: DeployedSuite, location: string | undefined): void {
  const all = deployedLocations(deployed);
  if (location === undefined || all.includes(location)) return;
  throw new Error(
    `perfprobe ${deployed.suite}/${deployed.environment}: location "${location}" is none of the environment's locations (${all.length === 0 ? 'it names none' : all.join(', ')})`,
  );
}

/** The suite bound to the environment, or every problem that keeps it from deploying, at once. */
function deployable(suite: Suite, environment: string, source: string | undefined): DeployedSuite {
  const deployed = deploySuite(suite, environment);
  const problems = deployProblems(deployed, (probeId) => suite.probes.findIndex((p) => p.id === probeId));
  if (problems.length > 0) throw new SuiteValidationError(problems, source);
  return deployed;
}

function byRunnerName<T>(
  runners: readonly ProbeRunner[],
  pick: (runner: ProbeRunner) => T,
): Record<string, T> {
  return Object.fromEntries(runners.map((r) => [RUNNERS[r.kind].name, pick(r)]));
}
