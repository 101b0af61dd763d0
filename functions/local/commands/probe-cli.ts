import { HARD_LIMITS } from '../../core/suite/limits.ts';
import { defineCommand } from '../cli-command.ts';
import { onePositional } from '../command-line.ts';
import { formatLimit } from '../flag-values.ts';
import { EXIT_CODES } from '../usage.ts';

export const probeCli = defineCommand({
  name: 'probe',
  flags: {
    method: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    body: { type: 'string' },
    connections: { type: 'string', short: 'c' },
    rate: { type: 'string', short: 'R' },
    duration: { type: 'string', short: 'd' },
    requests: { type: 'string', short: 'n' },
    timeout: { type: 'string', short: 't' },
    sla: { type: 'string', multiple: true },
    json: { type: 'string' },
    cacert: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    pass: { type: 'string' },
    proxy: { type: 'string' },
    http2: { type: 'boolean' },
  },
  help: `Usage: perfprobe probe <url> [options]

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
                          number is ms), errorRate=1% (or 0.01), minThroughput=90 (requests/s),
                          certDaysLeft=30 (the fewest days the target's certificate may have left)
      --json FILE         write the RunResult as JSON
      --cacert FILE       trust this CA (PEM) for the target's certificate (a private CA)
      --cert FILE         client certificate (PEM) to present (mTLS), with --key
      --key FILE          the client certificate's private key (PEM)
      --pass ENV_NAME     the environment variable holding the key's passphrase (never the passphrase itself)
      --proxy URL         forward proxy for every connection (CONNECT); '' for none. Default: HTTPS_PROXY /
                          HTTP_PROXY unless NO_PROXY names the host
      --http2             offer HTTP/2 by ALPN (HTTP/1.1 when the server does not choose it)
  -h, --help

user:password@ in <url> is sent as Basic authentication, as curl does, and never printed.
Ctrl-C or SIGTERM (a CI cancel) stops sending, reports and writes --json (the run is then invalid: exit 1);
a second one, a second or more later, quits at once (exit 130, or 143 for SIGTERM).
${EXIT_CODES}`,
  overview: {
    usage: ['probe <url> [options]'],
    summary: ['one ad hoc run (burst by default, open model with --rate)'],
    details: [
      "--method M  --header 'k: v' (repeatable)  --body TEXT",
      '--connections N (default 10)  --rate R (requests/s)  --duration S (default 10)',
      '--requests N  --timeout S (default 10)  --sla KEY=VALUE (repeatable)  --json FILE',
      '--cacert FILE  --cert FILE  --key FILE  --pass ENV_NAME  --proxy URL  --http2',
    ],
  },
  async run({ flags, positionals, signal }) {
    const { probeCommand } = await import('./probe-command.ts');
    const { code } = await probeCommand({
      url: onePositional(positionals, '<url>', 'one URL like https://api.example.com/health'),
      method: flags.method,
      headers: flags.header,
      body: flags.body,
      connections: flags.connections,
      rate: flags.rate,
      duration: flags.duration,
      requests: flags.requests,
      timeout: flags.timeout,
      sla: flags.sla,
      json: flags.json,
      cacert: flags.cacert,
      cert: flags.cert,
      key: flags.key,
      pass: flags.pass,
      proxy: flags.proxy,
      http2: flags.http2 === true,
      signal,
    });
    return code;
  },
});
