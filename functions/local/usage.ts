import { HARD_LIMITS } from '../core/suite/limits.ts';
import { formatLimit } from './flag-values.ts';

const EXIT_CODES =
  'Exit codes: 0 every critical SLA passed on a valid run, 1 an SLA breached or a run was invalid\n' +
  '(an interrupted run is invalid), 2 bad usage, a bad suite or a secret that cannot be resolved.\n';

/** Each command's own usage, printed by `perfprobe <command> --help`. */
export const COMMAND_USAGE = {
  probe: `Usage: perfprobe probe <url> [options]

One ad hoc run against <url>: a burst (closed model) by default, an open model with --rate.

  -H, --header 'k: v'     request header, repeatable
      --method M          HTTP method (default GET)
      --body TEXT         request body
  -c, --connections N     burst: connections, each sending when its previous response ends (default 10);
                          with --rate: the most requests in flight
  -R, --rate R            open model: R requests per second, latency from each intended send time
  -d, --duration S        seconds, or "500ms", "2m" (default 10, at most ${formatLimit(HARD_LIMITS.durationMs)})
  -n, --requests N        burst until N requests instead of for a duration (not with --duration)
  -t, --timeout S         whole-request timeout: seconds, or "500ms" (default 10, at most ${formatLimit(HARD_LIMITS.timeoutMs)})
      --sla KEY=VALUE     a critical SLA, repeatable: p99=250ms, p99.9=1s, max=2s, mean=100ms (a plain
                          number is ms), errorRate=1% (or 0.01), minThroughput=90 (requests/s)
      --json FILE         write the RunResult as JSON
  -h, --help

Ctrl-C stops sending and reports (the run is then invalid: exit 1); a second Ctrl-C quits (exit 130).
${EXIT_CODES}`,
  run: `Usage: perfprobe run <suite.ts> [options]

Runs the suite's probes once, one after the other, and prints a summary per probe and a verdict table.

  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          run only this probe, repeatable
      --shards N          split each probe's load into N shards merged exactly, as in the cloud (1-64)
      --json FILE         write every RunResult as JSON
  -q, --quiet             only the verdict table
  -h, --help

Ctrl-C stops sending and reports (the run is then invalid: exit 1); a second Ctrl-C quits (exit 130).
${EXIT_CODES}`,
  validate: `Usage: perfprobe validate <suite.ts>

Checks a suite without sending anything, and says per environment whether \`cdk deploy\` would accept it.
Exit codes: 0 valid, 2 a bad suite (every problem listed with its path).
`,
  cost: `Usage: perfprobe cost <suite.ts> [--env NAME] [--json FILE]

Dollars per month of deploying the suite, per environment and probe, itemized, next to CloudWatch
Synthetics and Checkly.
`,
  demo: `Usage: perfprobe demo [--json FILE]

Starts the demo API on a free loopback port and runs probes/demo.ts against it (what \`npm start\` runs).
`,
  'demo-api': `Usage: perfprobe demo-api [--port N] [--latency MS] [--error-rate F]

Serves the demo API until Ctrl-C.

      --port N            TCP port, 0 for any free one (default 8080)
      --latency MS        milliseconds added to every response (default 0)
      --error-rate F      share of requests answered 503 on purpose, 0 to 1 (default 0)
`,
  runs: `Usage: perfprobe runs <suite.ts> --table NAME [options]

Lists a deployed environment's stored runs, newest first, with your own AWS credentials (the stack's
OnCallReadRunsPolicy allows exactly this read).

      --table NAME        the runs table: the stack's RunsTable output
      --region R          the stack's region (default AWS_REGION)
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since D           how far back, e.g. "24h" (default 24h)
      --run RUN_ID        print one run as \`perfprobe run\` does
      --json FILE         write the runs (or the one run) as JSON
      --endpoint URL      another DynamoDB endpoint (a local one)
Exit codes: 0 listed, 2 bad usage, no credentials or no such table.
`,
  silence: `Usage: perfprobe silence <suite.ts> --table NAME (--for D --reason TEXT | --list | --end ID) [options]

Holds the pages about a deployed environment's probes (or one probe) for a while; the probes keep measuring
and storing. A silence always ends: at most 168h.

      --for D             how long, e.g. "2h" (at most 168h)
      --reason TEXT       why (shown with every held page)
      --list              the silences in force
      --end ID            end a silence now
  -p, --probe ID          only this probe (default: every probe of the environment)
  -e, --env NAME          environment (required when the suite defines more than one)
      --table NAME        the runs table: the stack's RunsTable output
      --region R          the stack's region (default AWS_REGION)
      --endpoint URL      another DynamoDB endpoint (a local one)
Exit codes: 0 done, 2 bad usage, no credentials or no such table or silence.
`,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;

export const HELP = `perfprobe: performance probes for HTTP APIs

Usage:
  perfprobe probe <url> [options]         one ad hoc run (burst by default, open model with --rate)
      --method M  --header 'k: v' (repeatable)  --body TEXT
      --connections N (default 10)  --rate R (requests/s)  --duration S (default 10)
      --requests N  --timeout S (default 10)  --sla KEY=VALUE (repeatable)  --json FILE
  perfprobe run <suite.ts> [--env NAME] [--probe ID]... [--shards N] [--json FILE] [--quiet]
                                          run a suite's probes once; exit 1 when a critical SLA breaches
  perfprobe validate <suite.ts>           check a suite without sending anything
  perfprobe cost <suite.ts> [--env NAME] [--json FILE]
                                          dollars per month of deploying the suite, itemized per probe
  perfprobe runs <suite.ts> --table NAME [--env NAME] [--probe ID]... [--since 24h] [--run ID] [--json FILE]
                                          a deployed environment's stored runs, newest first
  perfprobe silence <suite.ts> --table NAME (--for 2h --reason TEXT | --list | --end ID) [--probe ID]
                                          hold pages for a while (probes keep measuring)
  perfprobe demo [--json FILE]            start the demo API and run probes/demo.ts against it
  perfprobe demo-api [--port N] [--latency MS] [--error-rate F]
                                          serve the demo API until Ctrl-C
  perfprobe <command> --help              a command's own options
  perfprobe --version

${EXIT_CODES}`;
