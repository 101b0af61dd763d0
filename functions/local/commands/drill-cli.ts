import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';

export const drillCli = defineCommand({
  name: 'drill',
  flags: {
    env: { type: 'string', short: 'e' },
    region: { type: 'string' },
    location: { type: 'string' },
    wait: { type: 'string' },
  },
  help: `Usage: perfprobe drill <suite.ts> [--env NAME] [--region R | --location L] [--wait 5m]

Proves the paging path of a deployed environment, with your own AWS credentials: raises the stack's drill
alarm (SetAlarmState ALARM), then reads back each hop until it is known or the wait is over: the alarm's
history, the notifier's log (the DRILL page it published), the alarm topic's delivery metrics, and the alarm
and watch topics' subscriptions (none pending confirmation); then sets the alarm back to OK. On-call gets a
page whose subject starts with DRILL, and DRILL OVER when it ends. Run it after every \`cdk deploy\`. The
names come from the stack's outputs (DrillAlarm, AlarmTopic, NotifierLogGroup, WatchTopic).

  -e, --env NAME          environment (required when the suite defines more than one)
      --region R          the stack's region (default AWS_REGION, or the environment's one location)
      --location L        with several locations: raise L's drill alarm (default home's) and read its page at
                          home, proving L's route to the notifier too; drill each location after a deploy
      --wait D            how long to wait for the hops, e.g. "5m" (default 5m)
Each hop prints passed, failed (with what AWS said) or unknown (it could not be read).
Exit codes: 0 every hop passed, 1 a hop failed or is unknown, 2 bad usage, no credentials or no such stack.
`,
  overview: {
    usage: ['drill <suite.ts> [--env NAME] [--region R | --location L] [--wait 5m]'],
    summary: ['prove the paging path after `cdk deploy`: a DRILL page'],
  },
  async run({ flags, positionals, signal }) {
    const { drillCommand } = await import('./drill-command.ts');
    return await drillCommand({
      suitePath: oneSuitePath(positionals),
      env: flags.env,
      region: flags.region,
      location: flags.location,
      wait: flags.wait,
      signal,
    });
  },
});
