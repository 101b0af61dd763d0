import type { RunResult } from '../../core/run-result.ts';
import { escapeHtml as h } from './escape.ts';
import { table } from './sections.ts';

/** The connection's facts: HTTP version, TLS protocol, cipher, ALPN and the target's certificate; '' when none. */
export function connectionTable(run: RunResult): string {
  const rows: string[][] = [];
  if (run.httpVersion !== undefined) rows.push(['HTTP version', h(run.httpVersion)]);
  if (run.maxStreamsPerConnection !== undefined) {
    rows.push(['streams a connection, at most', h(String(run.maxStreamsPerConnection))]);
  }
  const tls = run.tls;
  if (tls !== undefined) {
    const c = tls.certificate;
    const left = c.daysLeft >= 0 ? `${c.daysLeft} days left` : `expired ${-c.daysLeft} days ago`;
    rows.push(
      ['TLS', h(`${tls.protocol}, ${tls.cipher}`)],
      ['ALPN', h(tls.alpn ?? 'none')],
      ['certificate', h(c.subject)],
      ['issuer', h(c.issuer)],
      [
        'valid to',
        `${h(c.validTo.slice(0, 10))} (<span class="${c.daysLeft < 14 ? 'result-bad' : 'result-ok'}">${h(left)}</span>)`,
      ],
    );
    if (tls.shardsDiffer) rows.push(['note', 'shards saw different certificates: this one expires first']);
  }
  return rows.length === 0 ? '' : table([], rows);
}
