import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { FlagProblems } from '../flag-values.ts';
import { assertWritable } from '../json-output.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
import { STORE_FLAGS, STORE_HELP } from '../store-flags.ts';
import { UsageError } from '../usage-error.ts';

export const sloCli = defineCommand({
  name: 'slo',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    json: { type: 'string' },
    ...STORE_FLAGS,
  },
  help: `Usage: perfprobe slo <suite.ts> [options]

Per probe with an slo and per objective, from the stored runs of its window: the SLI (good / valid requests;
for latency, successful requests at or under the threshold, counted exactly from the merged histograms), the
target, the error budget (bad requests allowed) and how much is left, the burn rate over the last hour and six
hours, and when the budget runs out at the last hour's rate. Invalid runs are counted apart, not judged.

  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --json FILE         write the figures as JSON
${STORE_HELP}${LOAD_TIMEOUT_HELP}  -h, --help

Exit codes: 0 shown, 2 bad usage, a bad suite, no probe with an slo or a store that cannot be read.
`,
  overview: {
    usage: [
      'slo <suite.ts> [--env NAME] [--probe ID]... [--json FILE]',
      '[--store DIR | --deployed | --table NAME] [--region R]',
    ],
    summary: ['SLIs, error budget left and burn rates over the SLO window'],
  },
  async run({ flags, positionals }) {
    const { sloCommand } = await import('./slo-command.ts');
    const { storeFromFlags } = await import('../history-flags.ts');
    const suitePath = oneSuitePath(positionals);
    const problems = new FlagProblems();
    const store = storeFromFlags(problems, {
      store: flags.store,
      table: flags.table,
      deployed: flags.deployed === true,
      region: flags.region,
    });
    if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
    if (flags.json) await assertWritable('--json', flags.json);
    await sloCommand({
      suitePath,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      json: flags.json,
      store,
    });
    return 0;
  },
});
