import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { assertWritable } from '../json-output.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
import { UsageError } from '../usage-error.ts';

export const costCli = defineCommand({
  name: 'cost',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    json: { type: 'string' },
    vpc: { type: 'string' },
  },
  help: `Usage: perfprobe cost <suite.ts> [--env NAME] [--json FILE] [--vpc ZONES]

Dollars per month of deploying the suite, per environment and probe, itemized, next to CloudWatch
Synthetics and Checkly: each probe's lines, each environment's own parts (topic keys, perfprobe's own
alarms, the dashboard unless dashboard: false, the notifier) and the total. Latency checks due in the
same tick share an execution and workers (20 a worker), and their cost says so.

--vpc ZONES  the workers run in a VPC (ProbeSuite's vpc) over ZONES Availability Zones: add its NAT
             gateways and interface endpoints to each environment.

${LOAD_TIMEOUT_HELP}`,
  overview: {
    usage: ['cost <suite.ts> [--env NAME] [--json FILE] [--vpc ZONES]'],
    summary: ['dollars per month of deploying the suite, itemized per probe'],
  },
  async run({ flags, positionals }) {
    const { costCommand } = await import('./cost-command.ts');
    const suitePath = oneSuitePath(positionals);
    if (flags.json) await assertWritable('--json', flags.json);
    return await costCommand({
      suitePath,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      json: flags.json,
      vpcZones: vpcZonesFlag(flags.vpc),
    });
  },
});

/** --vpc ZONES: a whole number of Availability Zones, 1 to 6. */
function vpcZonesFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const zones = Number(value);
  if (!Number.isInteger(zones) || zones < 1 || zones > 6) {
    throw new UsageError(
      `--vpc: expected the number of Availability Zones the workers use (1 to 6), got "${value}"`,
    );
  }
  return zones;
}
