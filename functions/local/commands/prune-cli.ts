import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';

export const pruneCli = defineCommand({
  name: 'prune',
  flags: {
    env: { type: 'string', short: 'e' },
    region: { type: 'string' },
    stack: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'keep-days': { type: 'string' },
  },
  help: `Usage: perfprobe prune <suite.ts> [--env NAME] [--region R] [--stack NAME] [--dry-run] [--keep-days N]

Deletes the function versions a deployed environment no longer uses, with your own AWS credentials. Every
deploy that changes Plan, a worker or Aggregate publishes a new version of it and retains the previous one
(a run that started before the deploy still calls it); nothing else deletes them. prune reads the stack's
functions and the versions it holds (nested stacks included), lists each function's versions, and deletes
each version that is neither $LATEST, nor held by the stack, nor replaced less than --keep-days ago. It
prints, per function, each version kept (and why) and deleted.

  -e, --env NAME          environment (required when the suite defines more than one)
      --region R          the stack's region (default AWS_REGION)
      --stack NAME        the stack's name, when ProbeSuite is in a stack of your own
                          (default the one \`cdk deploy -c env=NAME\` made: perfprobe-<suite>-<env>-<hash>)
      --dry-run           print what would be deleted, delete nothing
      --keep-days N       keep a replaced version N days, from 1 to 365 (default 1). The longest run is
                          far shorter: a Standard run times out after at most 18 min 15 s (a 15-minute
                          worker, Plan 30 s, Aggregate 60 s, 15 s margin per task, 1 min between states),
                          an Express run after 5 min.
Needs cloudformation:ListStackResources, lambda:ListVersionsByFunction and lambda:DeleteFunction.
Exit codes: 0 done (or nothing to do), 1 a version could not be listed or deleted (the others were),
2 bad usage, no credentials or no such stack.
`,
  overview: {
    usage: ['prune <suite.ts> [--env NAME] [--dry-run]'],
    summary: ['delete function versions no run can still use'],
  },
  async run({ flags, positionals }) {
    const { pruneCommand } = await import('./prune-command.ts');
    return await pruneCommand({
      suitePath: oneSuitePath(positionals),
      env: flags.env,
      region: flags.region,
      stack: flags.stack,
      dryRun: flags['dry-run'] ?? false,
      keepDays: flags['keep-days'],
    });
  },
});
