import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
import { LOCATION_FLAG, LOCATION_RUN_HELP, locationFlag } from '../location-flag.ts';
import { EXIT_CODES } from '../usage.ts';
import { UsageError } from '../usage-error.ts';

export const runCli = defineCommand({
  name: 'run',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    json: { type: 'string' },
    shards: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    store: { type: 'string' },
    'no-store': { type: 'boolean' },
    baseline: { type: 'string' },
    md: { type: 'string' },
    junit: { type: 'string' },
    html: { type: 'string' },
    ...LOCATION_FLAG,
  },
  help: `Usage: perfprobe run <suite.ts> [options]

Runs the suite's probes once, one after the other, and prints a summary per probe and a verdict table.

  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          run only this probe, repeatable
      --shards N          split each probe's load into N shards merged exactly, as in the cloud (1-64)
      --json FILE         write every RunResult as JSON
      --store DIR         record every RunResult in the local run store there (default .perfprobe)
      --no-store          record nothing
${LOCATION_RUN_HELP}      --baseline SRC      judge regression against "store" (each probe's baseline window in the run store)
                          or a file from \`perfprobe baseline save\`; probes without sla.regression get
                          p50 +20%, p95 +20%, p99 +25% (one-sided Mann-Whitney U, p < 0.01); exit 1 on a
                          regression. Without it, probes with sla.regression are judged from the store.
      --md FILE           also write the results as Markdown (CI job summaries, pull-request comments)
      --junit FILE        also write JUnit XML: one test case per SLA check, a critical miss is a failure
      --html FILE         also write one self-contained HTML page: charts of these runs, with the last 24h
                          of stored runs of their probes
  -q, --quiet             only the verdict table
${LOAD_TIMEOUT_HELP}  -h, --help

Ctrl-C or SIGTERM (a CI cancel) stops sending, reports, writes --json and records the run (then invalid:
exit 1); a second one, a second or more later, quits at once (exit 130, or 143 for SIGTERM).
${EXIT_CODES}`,
  overview: {
    usage: [
      'run <suite.ts> [--env NAME] [--probe ID]... [--shards N] [--json FILE] [--quiet] [--location NAME]',
      '[--store DIR | --no-store] [--baseline store|FILE] [--md FILE] [--junit FILE] [--html FILE]',
    ],
    summary: [
      "run a suite's probes once, record them in the local store",
      '(.perfprobe); exit 1 when a critical SLA breaches or regresses',
    ],
  },
  async run({ flags, positionals, signal }) {
    const { runCommand } = await import('./run-command.ts');
    const { storeDirFlags } = await import('../store-dir.ts');
    const suitePath = oneSuitePath(positionals);
    const shards = flags.shards === undefined ? undefined : Number(flags.shards);
    if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1 && shards <= 64)) {
      throw new UsageError(`--shards: expected a whole number between 1 and 64, got "${flags.shards}"`);
    }
    const { code } = await runCommand({
      suitePath,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      json: flags.json,
      shards,
      quiet: flags.quiet === true,
      store: storeDirFlags(flags),
      baseline: flags.baseline,
      md: flags.md,
      junit: flags.junit,
      html: flags.html,
      location: locationFlag(flags.location),
      signal,
    });
    return code;
  },
});
