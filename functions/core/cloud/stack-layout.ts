import { createHash } from 'node:crypto';
import type { ResolvedProbe } from '../plan.ts';
import { COMPOSITES_PER_BURN, METRIC_ALARMS_PER_BURN } from '../slo/burn-alarms.ts';
import { BURN_ALERTS, sloObjectives } from '../slo/slo-spec.ts';
import type { SuiteProblem } from '../suite/validate-suite.ts';
import { PROBE_ALARM_KINDS, probeAlarmCount } from './alert-policy.ts';
import { checkGroups, isBatchedCheck } from './check-groups.ts';
import { deployedAt, deployedLocations, homeOf, remoteLocations } from './deployed-locations.ts';
import type { DeployedSuite } from './deployed-suite.ts';
import { ACCOUNT_CONCURRENCY } from './run-sizing.ts';
import { workerReservations } from './worker-reservations.ts';

/** CloudFormation and CloudWatch limits a stack must stay within (hard limits, not raisable quotas). */
export const STACK_LIMITS = {
  /** Resources in one CloudFormation stack. */
  resources: 500,
  /** Bytes of a template CloudFormation accepts from S3 (cdk deploy uploads it there). */
  templateBytes: 1_048_576,
  /** Widgets on one CloudWatch dashboard. */
  dashboardWidgets: 500,
} as const;

/**
 * Nested stacks the probes of a large environment are hashed into. Fixed, so that adding or removing a probe
 * never moves another one (alarms have fixed names: one moved between stacks would be created before the old
 * stack deletes it). 32 parts hold 1,000 probes with a latency alarm each at about 200 resources a part.
 */
export const PROBE_PARTS = 32;

/** Probes per dashboard of a large environment: three widgets each, within CloudWatch's 500 and a header. */
export const PROBES_PER_DASHBOARD = 150;

/** What one stack of the layout holds: its resources (exact), template bytes (erring high), its probes. */
export interface StackEstimate {
  readonly resources: number;
  readonly templateBytes: number;
  readonly dashboardWidgets: number;
}

export interface NestedPart extends StackEstimate {
  /** The nested stack's construct id (`Probes07`, `Dashboard2`). */
  readonly id: string;
  readonly probeIds: readonly string[];
}

/**
 * Where an environment's resources go. Small: one stack (`parts` and `dashboards` empty). Past one stack's
 * limits: the root keeps everything shared (table, topics, notifier, functions, state machines, the checks'
 * schedules, the kill switch, perfprobe's own dashboard and alarms), each probe's alarms and schedule go to the
 * nested stack its id hashes to, and the probes' dashboard rows to dashboards of PROBES_PER_DASHBOARD in
 * suite order, each in a nested stack of its own.
 */
export interface StackLayout {
  readonly root: StackEstimate;
  readonly parts: readonly NestedPart[];
  readonly dashboards: readonly NestedPart[];
}

/** The nested stack (0 to PROBE_PARTS - 1) a probe's alarms and schedule go to: a hash of its id alone. */
export function probePart(probeId: string): number {
  return Number.parseInt(createHash('sha256').update(probeId).digest('hex').slice(0, 8), 16) % PROBE_PARTS;
}

export function partId(part: number): string {
  return `Probes${String(part).padStart(2, '0')}`;
}

// Counted and measured on the synthesized template (test/lib/stack-limits.test.ts keeps them honest): bytes as
// `cdk synth` writes them (JSON, one-space indent), a little above the measure so the estimate errs high.
// 20 for the table, topic, Plan, Aggregate, dead letters and system alarms (the kill switch is named, not
// created); 13 for the notifier and its 5-minute tick; the on-call read and silence policies. The paging path's
// watch adds 20: the alarm topic's subscription dead-letter queue and its policy, its delivery-log role and
// policy; the watch topic, key, policy, dead-letter queue and policy, delivery-log role and policy; four
// delivery alarms; Errors and Throttles of Plan and Aggregate; the notifier's Throttles. A runner's worker has
// Errors and Throttles alarms (13). The drill alarm (`perfprobe drill`) adds 1, and so does AWS::CDK::Metadata,
// which `cdk synth` adds to every top-level stack (version reporting; lib/stack-limits.ts counts it even when it
// is off, so validate and synth always agree).
const FIXED_RESOURCES = 57;
const RESOURCES_PER_RUNNER = 13;
/** A probe's alarms (SLA, heartbeat, cannot measure, store failed); latency alarms apart. */
const ALARMS_PER_PROBE = PROBE_ALARM_KINDS.length;
// 27,700: the notifier's rule also names the schedules' dead-letter alarm, and it may peek at that queue.
// 54,500 with the watch on the paging path (its topic, key, queues, roles and alarms) and the functions' alarms.
// 55,300 with the drill alarm (and its name in the notifier's rule, two outputs).
// 56,300 with the transport grants and the suite name the stores now carry (measured 101,435 for the deploy suite).
const FIXED_TEMPLATE_BYTES = 56_300;
/** The topic, key, topic policy, dead-letter queue and policy, delivery-log role and policy, two alarms. */
const WARN_TOPIC_RESOURCES = 9;
const WARN_TOPIC_TEMPLATE_BYTES = 10_000;
const RUNNER_TEMPLATE_BYTES = 14_700;
/** A probe's four alarms (4,400: the SLA and cannot-measure alarms read the Verdict through metric math). */
const PROBE_ALARMS_TEMPLATE_BYTES = 4_400;
/** An SLO objective's burn alerts: per level, two window alarms and their composite (lib/slo-alarms.ts). */
const SLO_RESOURCES_PER_OBJECTIVE = BURN_ALERTS.length * (METRIC_ALARMS_PER_BURN + COMPOSITES_PER_BURN);
/** Measured 13,351 (availability: Errors and Requests in each window) and 10,186 (latency) for probe health of bank/prod. */
const SLO_TEMPLATE_BYTES = { availability: 13_400, latency: 10_200 } as const;
/** Per character of the probe id, suite and environment: they recur in the nine alarms' names, texts and dimensions. */
const SLO_NAME_BYTES = 30;
/** A probe's dashboard row (three widgets). */
const DASHBOARD_ROW_TEMPLATE_BYTES = 1_600;
const SCHEDULE_TEMPLATE_BYTES = 900;
/** Per character of a probe id, suite or environment name, and URL: they recur in names and texts. */
const PROBE_ID_BYTES = 36;
const NAME_BYTES = 26;
const URL_BYTES = 3;
const ALARM_TEMPLATE_BYTES = 2_000;
/** A nested stack in its parent: the resource, its template URL and the parameters its references pass. */
const NESTED_STACK_TEMPLATE_BYTES = 2_500;
/** A nested stack's own template: its parameters and metadata. */
const NESTED_TEMPLATE_BYTES = 2_000;
/** AWS::CDK::Metadata: `cdk synth` adds it to nested stacks too. */
const NESTED_FIXED_RESOURCES = 1;
export const DASHBOARD_WIDGETS_PER_PROBE = 3;
/** perfprobe's own row: function errors and throttles, dead letters, topic deliveries. */
export const MACHINERY_DASHBOARD_WIDGETS = 3;

/** A probe's own resources (alarms, and a load's schedule; a check's schedule is its group's). */
function probeResources(probe: ResolvedProbe): number {
  return (
    ALARMS_PER_PROBE +
    extraAlarms(probe) +
    sloObjectivesOf(probe).length * SLO_RESOURCES_PER_OBJECTIVE +
    (isBatchedCheck(probe) ? 0 : 1)
  );
}

/** Alarms beyond the kinds every probe has (alert.latency, alert.steps, cert-expiry). */
function extraAlarms(probe: ResolvedProbe): number {
  return probeAlarmCount(probe) - ALARMS_PER_PROBE;
}

function sloObjectivesOf(probe: ResolvedProbe) {
  return probe.slo === undefined ? [] : sloObjectives(probe.slo);
}

/** A probe's alarms and schedule in a template (its dashboard row apart). */
function probeBytes(probe: ResolvedProbe): number {
  return (
    PROBE_ALARMS_TEMPLATE_BYTES +
    (isBatchedCheck(probe) ? 0 : SCHEDULE_TEMPLATE_BYTES) +
    PROBE_ID_BYTES * probe.id.length +
    URL_BYTES * probe.request.url.length +
    NAME_BYTES * (probe.suite.length + probe.environment.length) +
    extraAlarms(probe) * ALARM_TEMPLATE_BYTES +
    sloObjectivesOf(probe).reduce(
      (n, objective) =>
        n +
        SLO_TEMPLATE_BYTES[objective] +
        SLO_NAME_BYTES * (probe.id.length + probe.suite.length + probe.environment.length),
      0,
    )
  );
}

/**
 * A location's stack other than home: the table, Plan, Aggregate, the schedules' dead letters, the machinery
 * alarms, the drill alarm, the on-call policies, AWS::CDK::Metadata, and the forwarding of its alarms to home's bus
 * (a rule, its role and policy, a dead-letter queue and its policy, its alarm); no topics, watch, notifier or
 * dashboard (home's). Counted on the synthesized template (test/lib/locations.test.ts).
 */
const LOCATION_FIXED_RESOURCES = 30;
/**
 * Home with other locations: the rule publishing their machinery alarms to the topic, its role and policy; the
 * notifier's rule for home's own schedule dead-letter alarm and its invoke permission.
 */
const HOME_ROUTE_RESOURCES = 5;
const LOCATION_FIXED_TEMPLATE_BYTES = 24_300;
const HOME_ROUTE_TEMPLATE_BYTES = 5_500;
/** The notifier's reads in each other location (its runs table, its probe alarms) and their names. */
const NOTIFIER_PER_LOCATION_TEMPLATE_BYTES = 1_500;

/** What a stack of the environment is: its only one, home, or another location (see ProbeSuite). */
type StackRole = 'only' | 'home' | 'location';

function roleOf(deployed: DeployedSuite, location: string | undefined): StackRole {
  if (deployedLocations(deployed).length <= 1) return 'only';
  return location === undefined || location === homeOf(deployed) ? 'home' : 'location';
}

/** The shared parts: everything but the probes' alarms, schedules and dashboard rows. */
function sharedEstimate(
  deployed: DeployedSuite,
  role: StackRole = 'only',
): { resources: number; templateBytes: number } {
  const runners = Object.keys(workerReservations(deployed)).length;
  const groups = checkGroups(deployed).length;
  if (role === 'location') {
    return {
      resources: LOCATION_FIXED_RESOURCES + runners * RESOURCES_PER_RUNNER + groups,
      templateBytes:
        LOCATION_FIXED_TEMPLATE_BYTES + runners * RUNNER_TEMPLATE_BYTES + groups * SCHEDULE_TEMPLATE_BYTES,
    };
  }
  const route = role === 'home' ? 1 : 0;
  const remotes = remoteLocations(deployed).length;
  const warnSubscriptions = deployed.notify.warn.email.length + deployed.notify.warn.https.length;
  // The warn-level notices' topic, key and topic policy, only with subscribers.
  const warnTopic = warnSubscriptions === 0 ? 0 : WARN_TOPIC_RESOURCES;
  const subscriptions = subscriptionCount(deployed) + warnTopic;
  return {
    resources:
      FIXED_RESOURCES +
      route * HOME_ROUTE_RESOURCES +
      subscriptions +
      runners * RESOURCES_PER_RUNNER +
      groups,
    templateBytes:
      FIXED_TEMPLATE_BYTES +
      route * HOME_ROUTE_TEMPLATE_BYTES +
      remotes * NOTIFIER_PER_LOCATION_TEMPLATE_BYTES +
      (warnTopic === 0 ? 0 : WARN_TOPIC_TEMPLATE_BYTES) +
      runners * RUNNER_TEMPLATE_BYTES +
      groups * SCHEDULE_TEMPLATE_BYTES,
  };
}

/** The environment's subscriptions, one resource each: the alarm, watch and warn-level topics'. */
function subscriptionCount(deployed: DeployedSuite): number {
  const { email, https, watch, warn } = deployed.notify;
  return (
    email.length +
    https.length +
    watch.email.length +
    watch.https.length +
    warn.email.length +
    warn.https.length
  );
}

/** One stack's view of the environment: its role, the probes it runs, the probes its dashboard shows. */
interface StackScope {
  readonly role: StackRole;
  /** The suite as this location runs it (see deployedAt). */
  readonly here: DeployedSuite;
  /** Home's dashboard shows every probe, of every location; another location's stack has none. */
  readonly board: readonly ResolvedProbe[];
}

function scopeOf(deployed: DeployedSuite, location: string | undefined): StackScope {
  const role = roleOf(deployed, location);
  return {
    role,
    here: deployedAt(deployed, location ?? homeOf(deployed)),
    board: role === 'location' ? [] : Object.values(deployed.probes),
  };
}

/** A probe's dashboard row: one line per location it runs in (a cross-region widget), erring high. */
function rowBytes(deployed: DeployedSuite, probe: ResolvedProbe): number {
  const lines = deployed.probeLocations?.[probe.id]?.length ?? 1;
  return DASHBOARD_ROW_TEMPLATE_BYTES * Math.max(1, lines);
}

/**
 * What the environment's stack (with locations: the stack of `location`, home by default) holds when it is one
 * stack, counted from the same rules lib/ builds it by (test/lib checks the estimate against the synthesized
 * template).
 */
export function stackEstimate(deployed: DeployedSuite, location?: string): StackEstimate {
  const { role, here, board } = scopeOf(deployed, location);
  const probes = Object.values(here.probes);
  const shared = sharedEstimate(here, role);
  return {
    resources: shared.resources + probes.reduce((n, p) => n + probeResources(p), 0),
    templateBytes:
      shared.templateBytes +
      probes.reduce((n, p) => n + probeBytes(p), 0) +
      board.reduce((n, p) => n + rowBytes(deployed, p), 0),
    dashboardWidgets:
      role === 'location' ? 0 : 1 + DASHBOARD_WIDGETS_PER_PROBE * board.length + MACHINERY_DASHBOARD_WIDGETS,
  };
}

function fits(estimate: StackEstimate): boolean {
  return (
    estimate.resources <= STACK_LIMITS.resources &&
    estimate.templateBytes <= STACK_LIMITS.templateBytes &&
    estimate.dashboardWidgets <= STACK_LIMITS.dashboardWidgets
  );
}

/**
 * The stacks of the environment (with locations: of `location`, home by default): one when it fits, else the
 * root and its nested stacks (see StackLayout). Each location is laid out on its own: its probes' alarms and
 * schedules are its own, and only home has dashboards.
 */
export function stackLayout(deployed: DeployedSuite, location?: string): StackLayout {
  const single = stackEstimate(deployed, location);
  if (fits(single)) return { root: single, parts: [], dashboards: [] };
  const { role, here, board } = scopeOf(deployed, location);
  const probes = Object.values(here.probes);
  const byPart = new Map<number, ResolvedProbe[]>();
  for (const probe of probes) {
    const part = probePart(probe.id);
    byPart.set(part, [...(byPart.get(part) ?? []), probe]);
  }
  const parts: NestedPart[] = [...byPart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([part, mine]) => ({
      id: partId(part),
      probeIds: mine.map((p) => p.id),
      resources: NESTED_FIXED_RESOURCES + mine.reduce((n, p) => n + probeResources(p), 0),
      templateBytes: NESTED_TEMPLATE_BYTES + mine.reduce((n, p) => n + probeBytes(p), 0),
      dashboardWidgets: 0,
    }));
  const dashboards: NestedPart[] = [];
  for (let from = 0; from < board.length; from += PROBES_PER_DASHBOARD) {
    const mine = board.slice(from, from + PROBES_PER_DASHBOARD);
    dashboards.push({
      id: `Dashboard${dashboards.length + 1}`,
      probeIds: mine.map((p) => p.id),
      resources: NESTED_FIXED_RESOURCES + 1,
      templateBytes:
        NESTED_TEMPLATE_BYTES +
        mine.reduce((n, p) => n + rowBytes(deployed, p) + PROBE_ID_BYTES * p.id.length, 0),
      dashboardWidgets: 1 + DASHBOARD_WIDGETS_PER_PROBE * mine.length,
    });
  }
  const shared = sharedEstimate(here, role);
  const nested = parts.length + dashboards.length;
  return {
    root: {
      resources: shared.resources + nested,
      templateBytes: shared.templateBytes + nested * NESTED_STACK_TEMPLATE_BYTES,
      // The header, which names the probes' dashboards, and perfprobe's own row.
      dashboardWidgets: role === 'location' ? 0 : 1 + MACHINERY_DASHBOARD_WIDGETS,
    },
    parts,
    dashboards,
  };
}

/** Every stack set `cdk deploy` creates for the environment: one layout, or one per location (home first). */
export function environmentLayouts(
  deployed: DeployedSuite,
): { readonly location: string | undefined; readonly layout: StackLayout }[] {
  const locations = deployedLocations(deployed);
  return (locations.length > 1 ? locations : [locations[0]]).map((location) => ({
    location,
    layout: stackLayout(deployed, location),
  }));
}

/** The dashboard of the probes' rows: the environment's own when one stack holds all, else `<name>-<n>`. */
export function probeDashboardName(dashboard: string, index: number): string {
  return `${dashboard}-${index}`;
}

/**
 * Every stack of the layout within CloudFormation's limits, its dashboard within CloudWatch's, the workers within
 * Lambda's; with locations, every location's stacks and workers (each region has its own quotas).
 */
export function scaleProblems(deployed: DeployedSuite): SuiteProblem[] {
  const locations = deployedLocations(deployed);
  const several = locations.length > 1;
  return (locations.length === 0 ? [undefined] : locations).flatMap((location) =>
    locationScaleProblems(deployed, location, several ? ` in ${location}` : ''),
  );
}

function locationScaleProblems(
  deployed: DeployedSuite,
  location: string | undefined,
  where: string,
): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const layout = stackLayout(deployed, location);
  const here = deployedAt(deployed, location);
  const count = Object.keys(here.probes).length;
  const subscriptions = subscriptionCount(here);
  // Resources and widgets are counted exactly (as synth counts them); template bytes are estimated, erring high.
  const over = (stack: string, what: string, value: number, limit: number, unit: string) => {
    if (value > limit) {
      const about = unit === 'template bytes' ? 'about ' : '';
      // Once the probes sit in nested stacks, what is left to fill the root is its subscriptions.
      const bySubscriptions = stack === 'the root stack' && subscriptions > 0;
      problems.push({
        path: bySubscriptions ? `environments.${deployed.environment}.notify` : 'probes',
        message: bySubscriptions
          ? `${subscriptions} topic subscriptions (one resource each: an address hears the alarm topic and the watch topic) and the environment's shared parts make ${stack}${where} of ${about}${value.toLocaleString('en-US')} ${unit}, more than ${what} of ${limit.toLocaleString('en-US')}, its ${count} probes being in nested stacks already: subscribe a mailing list or one paging service instead of each person, or split the suite`
          : `${count} probes make ${stack}${where} of ${about}${value.toLocaleString('en-US')} ${unit}, more than ${what} of ${limit.toLocaleString('en-US')}: split the suite (one suite file per team or API, each deploys its own stacks)`,
      });
    }
  };
  const stacks: [string, StackEstimate][] = [
    [layout.parts.length === 0 ? 'a stack' : 'the root stack', layout.root],
    ...[...layout.parts, ...layout.dashboards].map((p): [string, StackEstimate] => [
      `nested stack ${p.id}`,
      p,
    ]),
  ];
  for (const [stack, estimate] of stacks) {
    over(stack, "CloudFormation's limit", estimate.resources, STACK_LIMITS.resources, 'resources');
    over(
      stack,
      "CloudFormation's template limit",
      estimate.templateBytes,
      STACK_LIMITS.templateBytes,
      'template bytes',
    );
    over(
      stack,
      "a dashboard's limit",
      estimate.dashboardWidgets,
      STACK_LIMITS.dashboardWidgets,
      'dashboard widgets',
    );
  }
  problems.push(...concurrencyProblems(here, where));
  return problems;
}

/**
 * Each worker reserves its own peak, so the account gives up their sum, whether or not the peaks coincide: one
 * environment's workers, whatever the number of stacks they are spread over, are checked together (per location:
 * Lambda's concurrency is a quota of each region).
 */
function concurrencyProblems(deployed: DeployedSuite, where = ''): SuiteProblem[] {
  const reservations = workerReservations(deployed);
  const reserved = Object.values(reservations).reduce((sum, n) => sum + n, 0);
  const available = ACCOUNT_CONCURRENCY.default - ACCOUNT_CONCURRENCY.unreservedMinimum;
  const cap = deployed.caps.maxShards;
  // An environment's maxShards is its owner's statement of what the account can reserve (a raised quota);
  // without one, the default quota bounds it.
  if (cap === undefined && reserved > available) {
    return [
      {
        path: 'probes',
        message: `probes running at once${where} need ${reserved.toLocaleString('en-US')} worker Lambdas, more than the ${available.toLocaleString('en-US')} an account's default concurrency of ${ACCOUNT_CONCURRENCY.default.toLocaleString('en-US')} can reserve (${ACCOUNT_CONCURRENCY.unreservedMinimum} stay unreserved): give their schedules different minutes, use fewer shards, deploy part of the suite to another account, or raise the account's Lambda concurrency quota first and declare the budget as caps.maxShards`,
      },
    ];
  }
  if (cap !== undefined && reserved > cap) {
    return [
      {
        path: `environments.${deployed.environment}.caps.maxShards`,
        message: `probes running at once${where} need ${reserved} worker Lambdas, more than the environment's maxShards of ${cap}: give their schedules different minutes, use fewer shards or raise the cap`,
      },
    ];
  }
  return [];
}
