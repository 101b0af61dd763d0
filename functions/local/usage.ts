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
                          with --rate: the most requests in flight (default: the pool opens one per
                          10 req/s, at least 10, and grows while all are busy up to 50 or that many)
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
      --store DIR         record every RunResult in the local run store there (default .perfprobe)
      --no-store          record nothing
      --baseline SRC      judge regression against "store" (each probe's baseline window in the run store)
                          or a file from \`perfprobe baseline save\`; probes without sla.regression get
                          p50 +20%, p95 +20%, p99 +25% (one-sided Mann-Whitney U, p < 0.01); exit 1 on a
                          regression. Without it, probes with sla.regression are judged from the store.
      --md FILE           also write the results as Markdown (CI job summaries, pull-request comments)
      --junit FILE        also write JUnit XML: one test case per SLA check, a critical miss is a failure
      --html FILE         also write one self-contained HTML page: charts of these runs, with the last 24h
                          of stored runs of their probes
  -q, --quiet             only the verdict table
  -h, --help

Ctrl-C stops sending and reports (the run is then invalid: exit 1); a second Ctrl-C quits (exit 130).
${EXIT_CODES}`,
  history: `Usage: perfprobe history <suite.ts> [options]

Per probe and time bucket, the stored runs' histograms merged exactly (never averaged): runs valid and
invalid, requests, p50/p95/p99/max, error rate and verdicts, then the whole window.

  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back: 30m, 24h, 7d, 2w (default 7d)
      --by hour|day       bucket width (default hour up to 2d back, day beyond)
      --json FILE         write the history as JSON (merged histograms included)
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead, found in its stack's outputs;
                          credentials and region from the usual AWS chain
      --table NAME        the same, naming the table (the stack output RunsTable)
      --region R          the stack's region
  -h, --help

Percentiles merge the valid runs only: an invalid run could not deliver its load, so it is counted, not measured.
Exit codes: 0 shown, 2 bad usage, a bad suite or a store that cannot be read.
`,
  report: `Usage: perfprobe report <suite.ts> (--html FILE | --md FILE | --junit FILE)... [options]

Each probe's stored runs of the window as one self-contained HTML page (percentiles over time with the SLA
lines, the latency distribution, the latest run's timeline, errors, phases, validity and checks; opens with no
network), and each probe's latest run as Markdown (CI job summaries, pull-request comments) and/or JUnit XML
(one test case per SLA check; a critical miss is a failure, an invalid run fails "valid run").

      --html FILE         write the HTML page
      --md FILE           write Markdown
      --junit FILE        write JUnit XML
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back to look for each probe's latest run: 30m, 24h, 7d (default 24h)
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead (found in its stack's outputs)
      --table NAME        the same, naming the table; --region R the stack's region
  -h, --help
`,
  baseline: `Usage: perfprobe baseline save <suite.ts> --out FILE [options]

Merges each probe's valid stored runs of the window exactly and writes them as a baseline file, for
\`perfprobe run <suite.ts> --baseline FILE\` (a CI gate that exits 1 on a regression).

  -o, --out FILE          the baseline file to write (required)
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back: 30m, 24h, 7d, 2w (default 7d)
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead (found in its stack's outputs)
      --table NAME        the same, naming the table; --region R the stack's region
  -h, --help
`,
  watch: `Usage: perfprobe watch <suite.ts> [options]

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
  -h, --help

Ctrl-C (or SIGTERM) stops: runs in flight stop sending and are not recorded, the page closes, exit 0.
`,
  validate: `Usage: perfprobe validate <suite.ts>

Checks a suite without sending anything, and says per environment whether \`cdk deploy\` would accept it.
Exit codes: 0 valid, 2 a bad suite (every problem listed with its path).
`,
  cost: `Usage: perfprobe cost <suite.ts> [--env NAME] [--json FILE]

Dollars per month of deploying the suite, per environment and probe, itemized, next to CloudWatch
Synthetics and Checkly.
`,
  demo: `Usage: perfprobe demo [--json FILE] [--store DIR | --no-store]

Starts the demo API on a free loopback port and runs probes/demo.ts against it (what \`npm start\` runs).
Its runs are recorded in the local run store (default .perfprobe), as \`perfprobe run\` records them.
`,
  'demo-api': `Usage: perfprobe demo-api [--port N] [--latency MS] [--error-rate F]

Serves the demo API until Ctrl-C.

      --port N            TCP port, 0 for any free one (default 8080)
      --latency MS        milliseconds added to every response (default 0)
      --error-rate F      share of requests answered 503 on purpose, 0 to 1 (default 0)
`,
  runs: `Usage: perfprobe runs <suite.ts> [--env NAME] [options]

Lists a deployed environment's stored runs, newest first, with your own AWS credentials (the stack's
OnCallReadRunsPolicy allows exactly this read). The runs table is found in the environment's stack outputs.

      --region R          the stack's region (default AWS_REGION)
      --table NAME        the runs table, instead of finding it (the stack's RunsTable output)
      --store DIR         list the runs recorded locally there instead (perfprobe run, watch)
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since D           how far back, e.g. "24h" (default 24h)
      --run RUN_ID        print one run as \`perfprobe run\` does
      --json FILE         write the runs (or the one run) as JSON
      --endpoint URL      another DynamoDB endpoint (a local one)
Exit codes: 0 listed, 2 bad usage, no credentials or no such table.
`,
  silence: `Usage: perfprobe silence <suite.ts> (--for D --reason TEXT | --list | --end ID) [options]

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
                [--store DIR | --no-store] [--baseline store|FILE] [--md FILE] [--junit FILE] [--html FILE]
                                          run a suite's probes once, record them in the local store
                                          (.perfprobe); exit 1 when a critical SLA breaches or regresses
  perfprobe history <suite.ts> [--env NAME] [--probe ID]... [--since 7d] [--by hour|day] [--json FILE]
                [--store DIR | --deployed | --table NAME] [--region R]
                                          stored runs per hour or day, histograms merged exactly
  perfprobe baseline save <suite.ts> --out FILE [--env NAME] [--probe ID]... [--since 7d]
                                          merge stored runs into a baseline for run --baseline FILE
  perfprobe report <suite.ts> (--html FILE | --md FILE | --junit FILE) [--env NAME] [--probe ID]... [--since 24h]
                                          stored runs as an HTML page with charts, Markdown or JUnit XML
  perfprobe watch <suite.ts> [--env NAME] [--port 8090] [--webhook URL] [--every D] [--store DIR]
                                          each probe on its schedule until Ctrl-C: runs recorded, alerts
                                          as deployed, a live page on 127.0.0.1
  perfprobe validate <suite.ts>           check a suite without sending anything
  perfprobe cost <suite.ts> [--env NAME] [--json FILE]
                                          dollars per month of deploying the suite, itemized per probe
  perfprobe runs <suite.ts> [--env NAME] [--probe ID]... [--since 24h] [--run ID] [--json FILE]
                                          a deployed environment's stored runs, newest first
  perfprobe silence <suite.ts> (--for 2h --reason TEXT | --list | --end ID) [--probe ID]
                                          hold pages for a while (probes keep measuring)
  perfprobe demo [--json FILE]            start the demo API and run probes/demo.ts against it
  perfprobe demo-api [--port N] [--latency MS] [--error-rate F]
                                          serve the demo API until Ctrl-C
  perfprobe <command> --help              a command's own options
  perfprobe --version

${EXIT_CODES}`;
