import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';

export const validateCli = defineCommand({
  name: 'validate',
  flags: { env: { type: 'string', short: 'e', multiple: true }, ...LOAD_TIMEOUT_FLAG },
  help: `Usage: perfprobe validate <suite.ts> [--env NAME]... [--load-timeout T]

Checks a suite without sending anything, and says per environment whether \`cdk deploy\` would accept it
(the same checks and counts synth makes).

  -e, --env NAME          only this environment, repeatable (default: every environment of the suite)
${LOAD_TIMEOUT_HELP}Exit codes: 0 valid and every selected environment deployable, 1 valid but a selected environment is not
deployable (perfprobe run still works), 2 a bad suite (every problem listed with its path).
`,
  overview: {
    usage: ['validate <suite.ts> [--env NAME]...'],
    summary: ['check a suite without sending anything'],
  },
  async run({ flags, positionals }) {
    const { validateCommand } = await import('./validate-command.ts');
    return await validateCommand(
      oneSuitePath(positionals),
      undefined,
      flags.env,
      loadTimeoutFlag(flags['load-timeout']),
    );
  },
});
