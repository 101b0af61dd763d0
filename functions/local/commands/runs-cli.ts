import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { assertWritable } from '../json-output.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
import { LOCATION_FLAG, LOCATION_READ_HELP, locationFlag } from '../location-flag.ts';
import { STORE_FLAGS } from '../store-flags.ts';

export const runsCli = defineCommand({
  name: 'runs',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    run: { type: 'string' },
    ...STORE_FLAGS,
    endpoint: { type: 'string' },
    json: { type: 'string' },
    ...LOCATION_FLAG,
  },
  help: `Usage: perfprobe runs <suite.ts> [--env NAME] [options]

Lists a suite's stored runs, newest first: the ones recorded locally (perfprobe run, watch), as history
and report read them, or with --deployed a deployed environment's, with your own AWS credentials (the
stack's OnCallReadRunsPolicy allows exactly this read; the runs table is found in its stack outputs).

      --store DIR         the local run store (default .perfprobe)
      --deployed          read the environment's deployed runs table instead
      --table NAME        the same, naming the table (the stack's RunsTable output)
      --region R          the stack's region (default AWS_REGION)
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since D           how far back, e.g. "24h" (default 24h)
      --run RUN_ID        print one run as \`perfprobe run\` does
      --json FILE         write the runs (or the one run) as JSON
      --endpoint URL      another DynamoDB endpoint (a local one)
${LOCATION_READ_HELP}${LOAD_TIMEOUT_HELP}A damaged or incomplete stored run is skipped with a warning naming its file and line.
Exit codes: 0 listed, 2 bad usage, no credentials or no such table.
`,
  overview: {
    usage: [
      'runs <suite.ts> [--env NAME] [--probe ID]... [--since 24h] [--run ID] [--json FILE]',
      '[--location NAME] [--store DIR | --deployed | --table NAME] [--region R] [--endpoint URL]',
    ],
    summary: ["a suite's stored runs, newest first (the local store, or --deployed)"],
  },
  async run({ flags, positionals }) {
    const { runsCommand } = await import('./runs-command.ts');
    if (flags.json) await assertWritable('--json', flags.json);
    return await runsCommand({
      suitePath: oneSuitePath(positionals),
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      since: flags.since,
      run: flags.run,
      store: flags.store,
      deployed: flags.deployed === true,
      table: flags.table,
      region: flags.region,
      endpoint: flags.endpoint,
      json: flags.json,
      location: locationFlag(flags.location),
    });
  },
});
