import { formatMs } from '../durations.ts';
import type { ResolvedProbe } from '../plan.ts';
import { parseSecretReference } from '../secret-reference.ts';
import { percentileOf } from '../suite/limits.ts';
import { transportReferences } from '../suite/transport-spec.ts';
import type { SuiteProblem } from '../suite/validate-suite.ts';
import {
  alarmPeriodSeconds,
  guaranteedSamples,
  invalidRunsToAlarm,
  MIN_MISSED_RUNS,
  maxEvaluationSeconds,
  samplesNeeded,
} from './alert-policy.ts';
import { isMultiLocation, locationsOf } from './deployed-locations.ts';
import {
  type DeployedSuite,
  deployedNames,
  NAME_LIMITS,
  probeAlarmName,
  stepAlarmKind,
} from './deployed-suite.ts';
import {
  LAMBDA_MAX_MS,
  peakRateOf,
  peakTogether,
  runLoadMs,
  staggerWaitMs,
  workerBudgetMs,
} from './run-sizing.ts';
import { scaleProblems } from './stack-layout.ts';

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
      path: staggerWaitMs(probe) > 0 ? `${at}.stagger` : `${at}.load`,
      message:
        staggerWaitMs(probe) > 0
          ? `a worker needs ${formatMs(budget)}: its last location starts ${formatMs(staggerWaitMs(probe))} after the tick (stagger) and the worker waits for that start, then runs this load plus its timeout, more than Lambda's 15 minutes: leave stagger off for this probe (its locations then start together), or shorten its interval or load`
          : `a worker needs ${formatMs(budget)} for this load plus its timeout, more than Lambda's 15 minutes: shorten the load or split it into several probes`,
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
  // Every location sends its own runs to the same target, by default at the same scheduled time (and a staggered
  // long run may still overlap the next location's): the target's budget counts each location.
  const multi = isMultiLocation(deployed);
  together(
    multi ? 'requests per second from all their locations' : 'requests per second',
    'maxRate',
    deployed.caps.maxRate,
    (p) => peakRateOf(p) * Math.max(1, locationsOf(deployed, p.id).length),
  );
  return problems;
}

export { STACK_LIMITS, stackEstimate } from './stack-layout.ts';
