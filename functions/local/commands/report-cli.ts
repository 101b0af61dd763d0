import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { assertWritable } from '../json-output.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
import { LOCATION_FLAG, locationFlag } from '../location-flag.ts';
import { STORE_FLAGS } from '../store-flags.ts';

export const reportCli = defineCommand({
  name: 'report',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    md: { type: 'string' },
    junit: { type: 'string' },
    html: { type: 'string' },
    ...LOCATION_FLAG,
    ...STORE_FLAGS,
  },
  help: `Usage: perfprobe report <suite.ts> (--html FILE | --md FILE | --junit FILE)... [options]

Each probe's stored runs of the window as one self-contained HTML page (percentiles over time with the SLA
lines, the latency distribution, the latest run's timeline, errors, phases, validity and checks; opens with no
network), and each probe's latest run as Markdown (CI job summaries, pull-request comments) and/or JUnit XML
(one test case per SLA check; a critical miss is a failure, an invalid run fails "valid run").

      --html FILE         write the HTML page
      --md FILE           write Markdown
      --junit FILE        write JUnit XML
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back to look for each probe's latest run: 30m, 24h, 7d (default 24h)
      --location NAME     only the runs sent from there (an AWS region, or run --location's name)
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead (found in its stack's outputs)
      --table NAME        the same, naming the table; --region R the stack's region
${LOAD_TIMEOUT_HELP}  -h, --help
`,
  overview: {
    usage: [
      'report <suite.ts> (--html FILE | --md FILE | --junit FILE) [--env NAME] [--probe ID]... [--since 24h]',
    ],
    summary: ['stored runs as an HTML page with charts, Markdown or JUnit XML'],
  },
  async run({ flags, positionals }) {
    const { reportCommand } = await import('./report-command.ts');
    const { historyFlags } = await import('../history-flags.ts');
    const suitePath = oneSuitePath(positionals);
    const location = locationFlag(flags.location);
    const where = historyFlags({
      since: flags.since ?? '24h',
      store: flags.store,
      table: flags.table,
      deployed: flags.deployed === true,
      region: flags.region,
    });
    const { md, junit, html } = flags;
    if (md) await assertWritable('--md', md);
    if (junit) await assertWritable('--junit', junit);
    if (html) await assertWritable('--html', html);
    await reportCommand({
      suitePath,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      sinceMs: where.sinceMs,
      md,
      junit,
      html,
      store: where.store,
      location,
    });
    return 0;
  },
});
