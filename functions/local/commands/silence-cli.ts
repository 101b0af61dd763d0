import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';

export const silenceCli = defineCommand({
  name: 'silence',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p' },
    for: { type: 'string' },
    reason: { type: 'string' },
    list: { type: 'boolean' },
    end: { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
  },
  help: `Usage: perfprobe silence <suite.ts> (--for D --reason TEXT | --list | --end ID) [options]

Holds the pages about a deployed environment's probes (or one probe) for a while; the probes keep measuring
and storing. A silence always ends: at most 168h.

      --for D             how long, e.g. "2h" (at most 168h)
      --reason TEXT       why (shown with every held page)
      --list              the silences in force
      --end ID            end a silence now
  -p, --probe ID          only this probe (default: every probe of the environment)
  -e, --env NAME          environment (required when the suite defines more than one)
      --region R          the stack's region (default AWS_REGION)
      --table NAME        the runs table, instead of finding it in the stack's outputs
      --endpoint URL      another DynamoDB endpoint (a local one)
${LOAD_TIMEOUT_HELP}Exit codes: 0 done, 2 bad usage, no credentials or no such table or silence.
`,
  overview: {
    usage: ['silence <suite.ts> (--for 2h --reason TEXT | --list | --end ID) [--probe ID]'],
    summary: ['hold pages for a while (probes keep measuring)'],
  },
  async run({ flags, positionals }) {
    const { silenceCommand } = await import('./silence-command.ts');
    return await silenceCommand({
      suitePath: oneSuitePath(positionals),
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probe: flags.probe,
      for: flags.for,
      reason: flags.reason,
      list: flags.list === true,
      end: flags.end,
      table: flags.table,
      region: flags.region,
      endpoint: flags.endpoint,
    });
  },
});
