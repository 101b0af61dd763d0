import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { assertWritable } from '../json-output.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
import { LOCATION_FLAG, LOCATION_READ_HELP, locationFlag } from '../location-flag.ts';
import { STORE_FLAGS, STORE_HELP } from '../store-flags.ts';

export const historyCli = defineCommand({
  name: 'history',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'string' },
    ...LOCATION_FLAG,
    ...STORE_FLAGS,
  },
  help: `Usage: perfprobe history <suite.ts> [options]

Per probe and time bucket, the stored runs' histograms merged exactly (never averaged): runs valid and
invalid, requests, p50/p95/p99/max, error rate and verdicts, then the whole window.

  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back: 30m, 24h, 7d, 2w (default 7d)
      --by hour|day       bucket width (default hour up to 2d back, day beyond)
      --json FILE         write the history as JSON (merged histograms included)
${LOCATION_READ_HELP}${STORE_HELP}${LOAD_TIMEOUT_HELP}  -h, --help

Percentiles merge the valid runs only: an invalid run could not deliver its load, so it is counted, not measured.
Exit codes: 0 shown, 2 bad usage, a bad suite or a store that cannot be read.
`,
  overview: {
    usage: [
      'history <suite.ts> [--env NAME] [--probe ID]... [--since 7d] [--by hour|day] [--json FILE]',
      '[--location NAME] [--store DIR | --deployed | --table NAME] [--region R]',
    ],
    summary: ['stored runs per hour or day, histograms merged exactly'],
  },
  async run({ flags, positionals }) {
    const { historyCommand } = await import('./history-command.ts');
    const { historyFlags } = await import('../history-flags.ts');
    const suitePath = oneSuitePath(positionals);
    const location = locationFlag(flags.location);
    const where = historyFlags({
      since: flags.since,
      by: flags.by,
      store: flags.store,
      table: flags.table,
      deployed: flags.deployed === true,
      region: flags.region,
    });
    if (flags.json) await assertWritable('--json', flags.json);
    await historyCommand({
      suitePath,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      json: flags.json,
      location,
      ...where,
    });
    return 0;
  },
});
