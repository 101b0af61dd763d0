import type { RunResult } from '../core/run-result.ts';

/**
 * The connection in one line: "HTTP/1.1, TLSv1.3 TLS_AES_256_GCM_SHA384 (ALPN http/1.1); certificate CN=api
 * (issuer CN=CA) valid to 2027-01-03, 9 days left"; undefined when the run saw no connection. HTTP/2 says the
 * most streams one connection carried: "HTTP/2 (at most 20 streams a connection)".
 */
export function formatConnection(result: RunResult): string | undefined {
  const streams = result.maxStreamsPerConnection;
  const most =
    streams === undefined ? '' : ` (at most ${streams} stream${streams === 1 ? '' : 's'} a connection)`;
  const version = result.httpVersion === undefined ? undefined : `HTTP/${result.httpVersion}${most}`;
  const tls = result.tls;
  if (tls === undefined) return version;
  const c = tls.certificate;
  const days = Math.abs(c.daysLeft) === 1 ? 'day' : 'days';
  const left = c.daysLeft >= 0 ? `${c.daysLeft} ${days} left` : `EXPIRED ${-c.daysLeft} ${days} ago`;
  const differ = tls.shardsDiffer ? ' (shards saw different certificates: this one expires first)' : '';
  return `${version === undefined ? '' : `${version}, `}${tls.protocol} ${tls.cipher}${tls.alpn ? ` (ALPN ${tls.alpn})` : ''}; certificate ${c.subject} (issuer ${c.issuer}) valid to ${c.validTo.slice(0, 10)}, ${left}${differ}`;
}
