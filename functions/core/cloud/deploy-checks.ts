import { formatMs } from '../durations.ts';
import { parseSecretReference } from '../secret-reference.ts';
import { percentileOf } from '../suite/limits.ts';
import type { SuiteProblem } from '../suite/validate-suite.ts';
import {
  alarmPeriodSeconds,
  guaranteedSamples,
  maxEvaluationSeconds,
  samplesNeeded,
} from './alert-policy.ts';
import type { DeployedSuite } from './deployed-suite.ts';
import { LAMBDA_MAX_MS, runLoadMs, workerBudgetMs } from './run-sizing.ts';

/**
 * What a suite must also satisfy to be deployed (beyond being a valid suite): runs that fit a worker Lambda,
 * alarms CloudWatch can evaluate, and percentile alarms with enough samples to mean anything.
 */
export function deployProblems(deployed: DeployedSuite, probeIndex: (id: string) => number): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const localOnly = new Map<string, string>();
  for (const probe of Object.values(deployed.probes)) {
    for (const [variable, reference] of Object.entries(probe.secrets)) {
      if (parseSecretReference(reference)?.scheme === 'env') localOnly.set(variable, reference);
    }
  }
  for (const [variable, reference] of localOnly) {
    problems.push({
      path: `environments.${deployed.environment}.variables.${variable}`,
      message: `"${reference}" resolves only where \`perfprobe run\` runs; a deployed worker reads "ssm:/parameter/name" or "secretsmanager:secret-name"`,
    });
  }
  for (const probe of Object.values(deployed.probes)) {
    const at = `probes[${probeIndex(probe.id)}]`;
    const budget = workerBudgetMs(probe);
    if (budget > LAMBDA_MAX_MS) {
      problems.push({
        path: `${at}.load`,
        message: `a worker needs ${formatMs(budget)} for this load plus its timeout, more than Lambda's 15 minutes: shorten the load or split it into several probes`,
      });
    }
    const { intervalMs, breachedRuns, missedRuns, latency } = probe.alert;
    if (intervalMs === undefined) {
      problems.push({
        path: `${at}.alert.interval`,
        message: `expected the time between runs (e.g. "1h") for the cron schedule "${probe.schedule.expression}": alarms count runs per interval`,
      });
      continue;
    }
    const longestRun = runLoadMs(probe);
    if (longestRun >= intervalMs) {
      problems.push({
        path: `${at}.schedule`,
        message: `a run may send load for up to ${formatMs(longestRun)} (start, load and the last request's timeout), not less than the ${formatMs(intervalMs)} between runs: runs would overlap and double the load on the target; schedule it less often or shorten the load`,
      });
    }
    const period = alarmPeriodSeconds(intervalMs);
    const limit = maxEvaluationSeconds(period);
    for (const [field, runs] of [
      ['breachedRuns.of', breachedRuns.of],
      ['missedRuns', missedRuns],
    ] as const) {
      if (period * runs > limit) {
        problems.push({
          path: `${at}.alert.${field}`,
          message: `${runs} runs of ${formatMs(period * 1000)} span more than CloudWatch evaluates (${formatMs(limit * 1000)}): expected at most ${Math.floor(limit / period)}`,
        });
      }
    }
    const samples = guaranteedSamples(probe);
    for (const key of Object.keys(latency)) {
      const p = percentileOf(key);
      if (p === undefined) continue;
      const needed = samplesNeeded(p);
      if (samples < needed) {
        problems.push({
          path: `${at}.alert.latency.${key}`,
          message: `${key} needs at least ${needed.toLocaleString('en-US')} samples an interval, and this probe is sure of only ${samples.toLocaleString('en-US')} per run: send more requests per run (load), alarm on a lower percentile, or rely on the SLA ${key}, which each run checks on its exact histogram`,
        });
      }
    }
  }
  return problems;
}
