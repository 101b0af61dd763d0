import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { assertWritable } from '../json-output.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';

export const costCli = defineCommand({
  name: 'cost',
  flags: { ...LOAD_TIMEOUT_FLAG, env: { type: 'string', short: 'e' }, json: { type: 'string' } },
  help: `Usage: perfprobe cost <suite.ts> [--env NAME] [--json FILE]

Dollars per month of deploying the suite, per environment and probe, itemized, next to CloudWatch
Synthetics and Checkly.

${LOAD_TIMEOUT_HELP}`,
  overview: {
    usage: ['cost <suite.ts> [--env NAME] [--json FILE]'],
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
    });
  },
});
