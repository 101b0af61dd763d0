import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';

export const watchCli = defineCommand({
  name: 'watch',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    port: { type: 'string' },
    webhook: { type: 'string' },
    every: { type: 'string' },
    store: { type: 'string' },
  },
  help: `Usage: perfprobe watch <suite.ts> [options]

Runs each probe on its own schedule until Ctrl-C: a run still going at its next tick skips that tick. Every
run is recorded in the local run store and judged as the deployed alarms judge it (a critical SLA broken in M
of the last N valid runs, cannot-measure after invalid runs in a row, no runs for missedRuns ticks, flapping
within recoverAfter runs of a recovery); each alert is printed, and POSTed as JSON to --webhook.

  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          watch only this probe, repeatable
      --port N            the live page on 127.0.0.1 (runs as JSON at /runs.json); 0 for any free port
                          (default 8090)
      --webhook URL       POST every alert there as JSON
      --every D           run every probe this often instead of on its schedule, at least 1s (a faster
                          trial: schedules are whole minutes)
      --store DIR         the local run store (default .perfprobe)
${LOAD_TIMEOUT_HELP}  -h, --help

Ctrl-C (or SIGTERM) stops: runs in flight stop sending and are not recorded, the page closes, exit 0.
`,
  overview: {
    usage: ['watch <suite.ts> [--env NAME] [--port 8090] [--webhook URL] [--every D] [--store DIR]'],
    summary: [
      'each probe on its schedule until Ctrl-C: runs recorded, alerts',
      'as deployed, a live page on 127.0.0.1',
    ],
  },
  async run({ flags, positionals, signal }) {
    const { watchCommand } = await import('./watch-command.ts');
    const { storeDirFlags } = await import('../store-dir.ts');
    return await watchCommand({
      suitePath: oneSuitePath(positionals),
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      port: flags.port,
      webhook: flags.webhook,
      every: flags.every,
      store: storeDirFlags(flags)!,
      signal,
    });
  },
});
