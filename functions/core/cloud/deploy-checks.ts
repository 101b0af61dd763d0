import { formatMs } from '../durations.ts';
import type { ResolvedProbe } from '../plan.ts';
import { parseSecretReference } from '../secret-reference.ts';
import { COMPOSITES_PER_BURN, METRIC_ALARMS_PER_BURN } from '../slo/burn-alarms.ts';
import { BURN_ALERTS, sloObjectives } from '../slo/slo-spec.ts';
import { percentileOf } from '../suite/limits.ts';
import { transportReferences } from '../suite/transport-spec.ts';
import type { SuiteProblem } from '../suite/validate-suite.ts';
import {
  alarmPeriodSeconds,
  guaranteedSamples,
  invalidRunsToAlarm,
  MIN_MISSED_RUNS,
  maxEvaluationSeconds,
  PROBE_ALARM_KINDS,
  probeAlarmCount,
  samplesNeeded,
} from './alert-policy.ts';
import {
  type DeployedSuite,
  deployedNames,
  NAME_LIMITS,
  probeAlarmName,
  stepAlarmKind,
} from './deployed-suite.ts';
import {
  ACCOUNT_CONCURRENCY,
  LAMBDA_MAX_MS,
  peakRateOf,
  peakTogether,
  runLoadMs,
  workerBudgetMs,
  workerReservations,
} from './run-sizing.ts';

/**
 * What a suite must also satisfy to be deployed (beyond being a valid suite): runs that fit a worker Lambda,
 * alarms CloudWatch can evaluate, percentile alarms with enough samples to mean anything, names within the
 * services' limits, a stack within CloudFormation's and an environment within its budget.
 */
export function deployProblems(deployed: DeployedSuite, probeIndex: (id: string) => number): SuiteProblem[] {
  return [
    ...localSecretProblems(deployed),
    ...nameProblems(deployed, probeIndex),
    ...Object.values(deployed.probes).flatMap((probe) =>
      probeProblems(probe, `probes[${probeIndex(probe.id)}]`),
    ),
    ...budgetProblems(deployed),
    ...scaleProblems(deployed),
  ];
}

/** `env:` references resolve only on the machine that runs `perfprobe run`, never in a deployed worker. */
function localSecretProblems(deployed: DeployedSuite): SuiteProblem[] {
  const localOnly = new Map<string, string>();
  for (const probe of Object.values(deployed.probes)) {
    for (const [variable, reference] of Object.entries(probe.secrets)) {
      if (parseSecretReference(reference)?.scheme === 'env') localOnly.set(variable, reference);
    }
  }
  return [...localOnly].map(([variable, reference]) => ({
    path: `environments.${deployed.environment}.variables.${variable}`,
    message: `"${reference}" resolves only where \`perfprobe run\` runs; a deployed worker reads "ssm:/parameter/name" or "secretsmanager:secret-name"`,
  }));
}

/** One probe: its worker within Lambda's limit, its runs within their interval, its alarms evaluable. */
function probeProblems(probe: ResolvedProbe, at: string): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  for (const [field, reference] of transportReferences(probe.transport)) {
    if (!/^(env|file):/.test(reference)) continue;
    problems.push({
      path: `${at}.${field}`,
      message: `"${reference}" resolves only where \`perfprobe run\` runs; a deployed worker reads "ssm:/parameter/name" or "secretsmanager:secret-name#field"`,
    });
  }
  const budget = workerBudgetMs(probe);
  if (budget > LAMBDA_MAX_MS) {
    problems.push({
      path: `${at}.load`,
      message: `a worker needs ${formatMs(budget)} for this load plus its timeout, more than Lambda's 15 minutes: shorten the load or split it into several probes`,
    });
  }
  const { intervalMs, missedRuns } = probe.alert;
  if (intervalMs === undefined) {
    problems.push({
      path: `${at}.alert.interval`,
      message: `expected the time between runs (e.g. "1h") for the cron schedule "${probe.schedule.expression}": alarms count runs per interval`,
    });
    return problems;
  }
  const longestRun = runLoadMs(probe);
  if (longestRun >= intervalMs) {
    problems.push({
      path: `${at}.schedule`,
      message: `a run may send load for up to ${formatMs(longestRun)} (start, load and the last request's timeout), not less than the ${formatMs(intervalMs)} between runs: runs would overlap and double the load on the target; schedule it less often or shorten the load`,
    });
  }
  if (missedRuns < MIN_MISSED_RUNS) {
    problems.push({
      path: `${at}.alert.missedRuns`,
      message: `expected at least ${MIN_MISSED_RUNS}, got ${missedRuns}: the newest interval may hold a run still in flight, so one empty interval is no missed run`,
    });
  }
  problems.push(...evaluationProblems(probe, at, intervalMs), ...percentileAlarmProblems(probe, at));
  return problems;
}

/** The runs an alarm counts, within what CloudWatch evaluates at the probe's period. */
function evaluationProblems(probe: ResolvedProbe, at: string, intervalMs: number): SuiteProblem[] {
  const { breachedRuns, missedRuns } = probe.alert;
  const period = alarmPeriodSeconds(intervalMs);
  const limit = maxEvaluationSeconds(period);
  const problems: SuiteProblem[] = [];
  for (const [field, runs] of [
    ['breachedRuns.of', breachedRuns.of],
    ['missedRuns', Math.max(missedRuns, invalidRunsToAlarm(probe))],
  ] as const) {
    if (period * runs > limit) {
      problems.push({
        path: `${at}.alert.${field}`,
        message: `${runs} runs of ${formatMs(period * 1000)} span more than CloudWatch evaluates (${formatMs(limit * 1000)}): expected at most ${Math.floor(limit / period)}`,
      });
    }
  }
  return problems;
}

/** Percentile alarms (the probe's and its steps') with the samples their percentile needs. */
function percentileAlarmProblems(probe: ResolvedProbe, at: string): SuiteProblem[] {
  // A step runs once per iteration: its alarms have the iterations' samples at most.
  const samples = guaranteedSamples(probe);
  const percentileAlarms = [
    ...Object.keys(probe.alert.latency).map((key) => ({ key, path: `${at}.alert.latency.${key}` })),
    ...Object.entries(probe.alert.steps).flatMap(([step, keys]) =>
      Object.keys(keys).map((key) => ({ key, path: `${at}.alert.steps.${step}.${key}` })),
    ),
  ];
  const problems: SuiteProblem[] = [];
  for (const { key, path } of percentileAlarms) {
    const p = percentileOf(key);
    if (p === undefined) continue;
    const needed = samplesNeeded(p);
    if (samples < needed) {
      problems.push({
        path,
        message: `${key} needs at least ${needed.toLocaleString('en-US')} samples an interval, and this probe is sure of only ${samples.toLocaleString('en-US')} per run: send more requests per run (load), alarm on a lower percentile, or rely on the SLA ${key}, which each run checks on its exact histogram`,
      });
    }
  }
  return problems;
}

/** Every name the stack sets, within its service's limit (before CloudFormation or the SDK would refuse). */
function nameProblems(deployed: DeployedSuite, probeIndex: (id: string) => number): SuiteProblem[] {
  const names = deployedNames(deployed.suite, deployed.environment);
  const problems: SuiteProblem[] = [];
  const check = (path: string, what: string, name: string, limit: number) => {
    if (name.length > limit) {
      problems.push({
        path,
        message: `the ${what} "${name}" has ${name.length} characters, more than the ${limit} allowed: shorten the suite or environment name`,
      });
    }
  };
  check('name', 'stack name', names.stack, NAME_LIMITS.stack);
  check('name', 'dashboard name', names.dashboard, NAME_LIMITS.dashboard);
  check('name', 'kill-switch parameter name', names.killSwitchParameter, NAME_LIMITS.parameter);
  check('name', 'topic display name', names.topicDisplayName, NAME_LIMITS.topicDisplayName);
  for (const probe of Object.values(deployed.probes)) {
    const at = `probes[${probeIndex(probe.id)}]`;
    // The longest kind this probe gets: "cannot-measure" or one of its latency alarms.
    for (const kind of ['cannot-measure', ...Object.keys(probe.alert.latency).map((k) => `latency-${k}`)]) {
      const name = probeAlarmName(names, probe.id, kind as 'cannot-measure');
      check(
        kind === 'cannot-measure' ? `${at}.id` : `${at}.alert.latency`,
        'alarm name',
        name,
        NAME_LIMITS.alarm,
      );
    }
    for (const [step, keys] of Object.entries(probe.alert.steps)) {
      for (const key of Object.keys(keys)) {
        const name = probeAlarmName(names, probe.id, stepAlarmKind(step, key));
        check(`${at}.alert.steps.${step}`, 'alarm name', name, NAME_LIMITS.alarm);
      }
    }
  }
  return problems;
}

/**
 * The environment's maxRate holds for all its probes together: runs that may overlap in one minute of the hour
 * add up their peak rates (otherwise each probe is within the cap and the target gets several times it).
 * Staggering with Scheduler's flexible time window would only make an overlap likely rather than certain,
 * so the fix offered is distinct cron minutes.
 */
function budgetProblems(deployed: DeployedSuite): SuiteProblem[] {
  const probes = Object.values(deployed.probes);
  const at = `environments.${deployed.environment}.caps`;
  const problems: SuiteProblem[] = [];
  const together = (
    what: string,
    field: string,
    cap: number,
    weight: (p: (typeof probes)[number]) => number,
  ) => {
    const peak = peakTogether(probes, weight);
    if (peak.total > cap) {
      problems.push({
        path: `${at}.${field}`,
        message: `probes ${peak.probes.join(', ')} may run in the same minute (minute ${peak.minute} of the hour) and together send ${peak.total.toLocaleString('en-US')} ${what}, more than the environment's ${field} of ${cap.toLocaleString('en-US')}: give them cron schedules in different minutes (e.g. "cron(15 * * * ? *)"), lower their load or raise the cap`,
      });
    }
  };
  together('requests per second', 'maxRate', deployed.caps.maxRate, peakRateOf);
  return problems;
}

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
 * What the stack holds, counted from the same rules lib/ builds it by (test/lib checks the estimate against
 * the synthesized template). Fixed: table, topic, key, topic policy, kill switch, DLQ and its policy and
 * alarm, dashboard, the schedules' role and policy; per function (Plan, Aggregate, one worker per runner):
 * function, version, role, policy, log group; per state machine: machine, role, policy, log group, two alarms.
 */
export function stackEstimate(deployed: DeployedSuite): {
  resources: number;
  templateBytes: number;
  dashboardWidgets: number;
} {
  const probes = Object.values(deployed.probes);
  const runners = Object.keys(workerReservations(deployed)).length;
  // Alarms beyond the kinds every probe has (alert.latency, alert.steps, cert-expiry): one resource and one
  // alarm's bytes each.
  const latencyAlarms = probes.reduce((n, p) => n + probeAlarmCount(p) - PROBE_ALARM_KINDS.length, 0);
  const { warn } = deployed.notify;
  const warnSubscriptions = warn.email.length + warn.https.length;
  // The warn-level notices' topic, key and topic policy, only with subscribers.
  const warnTopic = warnSubscriptions === 0 ? 0 : WARN_TOPIC_RESOURCES + warnSubscriptions;
  const { watch } = deployed.notify;
  const subscriptions =
    deployed.notify.email.length +
    deployed.notify.https.length +
    watch.email.length +
    watch.https.length +
    warnTopic;
  const sloObjectiveList = probes.flatMap((p) =>
    p.slo === undefined ? [] : sloObjectives(p.slo).map((objective) => ({ probe: p, objective })),
  );
  const perProbe =
    RESOURCES_PER_PROBE * probes.length +
    latencyAlarms +
    sloObjectiveList.length * SLO_RESOURCES_PER_OBJECTIVE;
  return {
    resources: FIXED_RESOURCES + subscriptions + runners * RESOURCES_PER_RUNNER + perProbe,
    templateBytes:
      FIXED_TEMPLATE_BYTES +
      (warnTopic === 0 ? 0 : WARN_TOPIC_TEMPLATE_BYTES) +
      runners * RUNNER_TEMPLATE_BYTES +
      probes.reduce(
        (n, p) =>
          n +
          PROBE_TEMPLATE_BYTES +
          PROBE_ID_BYTES * p.id.length +
          URL_BYTES * p.request.url.length +
          NAME_BYTES * (p.suite.length + p.environment.length),
        0,
      ) +
      latencyAlarms * ALARM_TEMPLATE_BYTES +
      sloObjectiveList.reduce(
        (n, { probe, objective }) =>
          n +
          SLO_TEMPLATE_BYTES[objective] +
          SLO_NAME_BYTES * (probe.id.length + probe.suite.length + probe.environment.length),
        0,
      ),
    dashboardWidgets: 1 + DASHBOARD_WIDGETS_PER_PROBE * probes.length + MACHINERY_DASHBOARD_WIDGETS,
  };
}

// Counted and measured on the synthesized template (test/lib/stack-limits.test.ts keeps them honest): bytes as
// `cdk synth` writes them (JSON, one-space indent), a little above the measure so the estimate errs high.
// 20 for the table, topic, Plan, Aggregate, dead letters and system alarms (the kill switch is named, not
// created); 13 for the notifier and its 5-minute tick; the on-call read and silence policies. The paging path's
// watch adds 20: the alarm topic's subscription dead-letter queue and its policy, its delivery-log role and
// policy; the watch topic, key, policy, dead-letter queue and policy, delivery-log role and policy; four
// delivery alarms; Errors and Throttles of Plan and Aggregate; the notifier's Throttles. A runner's worker has
// Errors and Throttles alarms (13). The drill alarm (`perfprobe drill`) adds 1, and so does AWS::CDK::Metadata,
// which `cdk synth` adds to every stack (version reporting; lib/stack-limits.ts counts it even when it is off, so
// validate and synth always agree).
const FIXED_RESOURCES = 57;
const RESOURCES_PER_RUNNER = 13;
/** A schedule and its alarms (SLA, heartbeat, cannot measure, store failed); latency alarms apart. */
const RESOURCES_PER_PROBE = 1 + PROBE_ALARM_KINDS.length;
// 27,700: the notifier's rule also names the schedules' dead-letter alarm, and it may peek at that queue.
// 54,500 with the watch on the paging path (its topic, key, queues, roles and alarms) and the functions' alarms.
// 55,300 with the drill alarm (and its name in the notifier's rule, two outputs).
// 56,300 with the transport grants and the suite name the stores now carry (measured 101,435 for the deploy suite).
const FIXED_TEMPLATE_BYTES = 56_300;
/** The topic, key, topic policy, dead-letter queue and policy, delivery-log role and policy, two alarms. */
const WARN_TOPIC_RESOURCES = 9;
const WARN_TOPIC_TEMPLATE_BYTES = 10_000;
const RUNNER_TEMPLATE_BYTES = 14_700;
// 7,000: the SLA and cannot-measure alarms read the Verdict through metric math (an expression and its metric).
const PROBE_TEMPLATE_BYTES = 7_000;
/** An SLO objective's burn alerts: per level, two window alarms and their composite (lib/slo-alarms.ts). */
const SLO_RESOURCES_PER_OBJECTIVE = BURN_ALERTS.length * (METRIC_ALARMS_PER_BURN + COMPOSITES_PER_BURN);
/** Measured 13,351 (availability: Errors and Requests in each window) and 10,186 (latency) for probe health of bank/prod. */
const SLO_TEMPLATE_BYTES = { availability: 13_400, latency: 10_200 } as const;
/** Per character of the probe id, suite and environment: they recur in the nine alarms' names, texts and dimensions. */
const SLO_NAME_BYTES = 30;
/** Per character of a probe id, suite or environment name, and URL: they recur in names and texts. */
const PROBE_ID_BYTES = 36;
const NAME_BYTES = 26;
const URL_BYTES = 3;
const ALARM_TEMPLATE_BYTES = 2_000;
export const DASHBOARD_WIDGETS_PER_PROBE = 3;
/** perfprobe's own row: function errors and throttles, dead letters, topic deliveries. */
export const MACHINERY_DASHBOARD_WIDGETS = 3;

const SPLIT_HINT =
  'split the suite: one suite file per team or API (each deploys its own stack), or deploy its probes in several suites';

/** The stack within CloudFormation's limits, the dashboard within CloudWatch's, the workers within Lambda's. */
function scaleProblems(deployed: DeployedSuite): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const estimate = stackEstimate(deployed);
  const count = Object.keys(deployed.probes).length;
  // Resources and widgets are counted exactly (as synth counts them); template bytes are estimated, erring high.
  const over = (what: string, value: number, limit: number, unit: string) => {
    if (value > limit) {
      const about = unit === 'template bytes' ? 'about ' : '';
      problems.push({
        path: 'probes',
        message: `${count} probes make a stack of ${about}${value.toLocaleString('en-US')} ${unit}, more than ${what} of ${limit.toLocaleString('en-US')}: ${SPLIT_HINT}`,
      });
    }
  };
  over("CloudFormation's limit", estimate.resources, STACK_LIMITS.resources, 'resources');
  over(
    "CloudFormation's template limit",
    estimate.templateBytes,
    STACK_LIMITS.templateBytes,
    'template bytes',
  );
  over("a dashboard's limit", estimate.dashboardWidgets, STACK_LIMITS.dashboardWidgets, 'dashboard widgets');
  // Each worker reserves its own peak, so the account gives up their sum, whether or not the peaks coincide.
  const reservations = workerReservations(deployed);
  const reserved = Object.values(reservations).reduce((sum, n) => sum + n, 0);
  const available = ACCOUNT_CONCURRENCY.default - ACCOUNT_CONCURRENCY.unreservedMinimum;
  const cap = deployed.caps.maxShards;
  // An environment's maxShards is its owner's statement of what the account can reserve (a raised quota);
  // without one, the default quota bounds it.
  if (cap === undefined && reserved > available) {
    problems.push({
      path: 'probes',
      message: `probes running at once need ${reserved.toLocaleString('en-US')} worker Lambdas, more than the ${available.toLocaleString('en-US')} an account's default concurrency of ${ACCOUNT_CONCURRENCY.default.toLocaleString('en-US')} can reserve (${ACCOUNT_CONCURRENCY.unreservedMinimum} stay unreserved): give their schedules different minutes, use fewer shards, deploy part of the suite to another account, or raise the account's Lambda concurrency quota first and declare the budget as caps.maxShards`,
    });
  }
  if (cap !== undefined && reserved > cap) {
    problems.push({
      path: `environments.${deployed.environment}.caps.maxShards`,
      message: `probes running at once need ${reserved} worker Lambdas, more than the environment's maxShards of ${cap}: give their schedules different minutes, use fewer shards or raise the cap`,
    });
  }
  return problems;
}
