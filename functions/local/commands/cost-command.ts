import { writeFile } from 'node:fs/promises';
import { PRICES } from '../../core/cloud/aws-prices.ts';
import {
  type CostGroup,
  type CostLine,
  type EnvironmentCostModel,
  environmentCost,
  vpcCostLines,
} from '../../core/cloud/cost-model.ts';
import { deployProblems } from '../../core/cloud/deploy-checks.ts';
import { deployedLocations } from '../../core/cloud/deployed-locations.ts';
import { deploySuite } from '../../core/cloud/deployed-suite.ts';
import { loadSuite } from '../load-suite.ts';
import { table } from '../style.ts';
import { UsageError } from '../usage-error.ts';

export interface CostCommandOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly json?: string | undefined;
  /** The workers run in a VPC (ProbeSuite's `vpc`) over this many Availability Zones: its NAT and endpoints count. */
  readonly vpcZones?: number | undefined;
  readonly out?: NodeJS.WritableStream;
}

export type EnvironmentCost = EnvironmentCostModel;

const usd = (n: number) => (n >= 0.005 ? n.toFixed(2) : n > 0 ? '<0.01' : '0');
const dollars = (n: number) => (n >= 0.005 ? `$${n.toFixed(2)}` : n > 0 ? '<$0.01' : '$0');
const sum = (lines: readonly CostLine[], group: CostGroup) =>
  lines.filter((l) => l.group === group).reduce((s, l) => s + l.usd, 0);

/**
 * `perfprobe cost`: dollars per month of deploying a suite, per environment and probe, itemized, next to what the
 * same schedules cost on CloudWatch Synthetics and Checkly. Same model as `npm run bench`'s cost section.
 */
export async function costCommand(options: CostCommandOptions): Promise<0> {
  const out = options.out ?? process.stdout;
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const envs = options.env === undefined ? Object.keys(suite.environments) : [options.env];
  if (options.env !== undefined && !(options.env in suite.environments)) {
    throw new UsageError(
      `--env: no environment "${options.env}" in suite "${suite.name}" (it has ${Object.keys(suite.environments).join(', ')})`,
    );
  }
  const results: EnvironmentCost[] = [];
  for (const env of envs) {
    const deployed = deploySuite(suite, env);
    const problems = deployProblems(deployed, (id) => suite.probes.findIndex((p) => p.id === id));
    if (problems.length > 0) {
      out.write(
        `${env}: not deployable, so no cost (see perfprobe validate):\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n\n`,
      );
      continue;
    }
    const cost = environmentCost(deployed, { vpcZones: options.vpcZones });
    const { probes, fixed, totalUsd } = cost;
    results.push(cost);

    const rows = probes.map((p) => [
      p.probeId,
      Math.round(p.runsPerMonth).toLocaleString('en-US'),
      usd(sum(p.lines, 'lambda')),
      usd(sum(p.lines, 'orchestration')),
      usd(sum(p.lines, 'metrics')),
      usd(sum(p.lines, 'alarms')),
      usd(sum(p.lines, 'records')),
      usd(p.totalUsd),
      ...p.alternatives.map((a) => usd(a.usd)),
    ]);
    out.write(`suite "${suite.name}", environment ${env}: $${totalUsd.toFixed(2)} per month\n\n`);
    const locations = deployedLocations(deployed);
    if (locations.length > 1) {
      out.write(
        `${env} runs from ${locations.length} locations (${locations.join(', ')}; home ${locations[0]}): each probe's runs, metrics, alarms and records are counted once per location it runs in (× ${locations.length} unless it names fewer), the VPC's too; the topics, notifier and dashboard once, at home.\n\n`,
      );
    }
    out.write(
      `${table(
        [
          [
            'probe',
            'runs/month',
            'Lambda',
            'Step Fn+Sched',
            'metrics',
            'alarms',
            'logs+trace+db',
            'perfprobe',
            'Synthetics',
            'Checkly',
          ],
          ...rows,
          ...fixed.map((f) => [f.item, '', '', '', '', '', '', usd(f.usd)]),
        ],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      )}\n\n`,
    );
    out.write(
      `${env}'s own parts\n${table(
        fixed.map((l) => [`  ${l.item}`, dollars(l.usd), l.basis]),
        ['l', 'r', 'l'],
      )}\n`,
    );
    for (const p of probes) {
      out.write(
        `${p.probeId}\n${table(
          p.lines.map((l) => [`  ${l.item}`, dollars(l.usd), l.basis]),
          ['l', 'r', 'l'],
        )}\n`,
      );
    }
    out.write('\n');
  }
  const vpc = vpcCostLines();
  if (options.vpcZones === undefined)
    out.write(
      `With ProbeSuite's vpc option (workers in your VPC; --vpc counts it), not in the totals above: up to $${vpc
        .reduce((s, l) => s + l.usd, 0)
        .toFixed(2)} a month more per VPC\n${table(
        vpc.map((l) => [`  ${l.item}`, dollars(l.usd), l.basis]),
        ['l', 'r', 'l'],
      )}\n\n`,
    );
  out.write(
    `US dollars per month: AWS list prices for us-east-1 as of ${PRICES.lambdaArmGbSecond.asOf}, free tiers left out, estimated run overheads (functions/core/cloud/aws-prices.ts and cost-model.ts). Synthetics: $${PRICES.syntheticsCanaryRun.usd} a canary run plus its Lambda; Checkly: $2 per 10,000 API check runs.\n`,
  );
  if (options.json) await writeFile(options.json, `${JSON.stringify(results, null, 2)}\n`);
  return 0;
}
