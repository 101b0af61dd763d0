import { formatMillis, formatPercent } from '../../core/notify/figures.ts';
import type { WatchedProbe, WatchSnapshot } from './watch-suite.ts';

/** Seconds between the page's reloads: about a tick of a fast watch, and cheap (one small page). */
const REFRESH_S = 5;

/** "09:41:07": the page says once that its times are UTC; the date is the watch's, today. */
const clock = (iso: string) => `<time datetime="${iso}">${iso.slice(11, 19)}</time>`;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function lastRunCells(probe: WatchedProbe): string {
  const run = probe.lastRun;
  if (run === undefined) return '<td colspan="5">no run yet</td>';
  const l = run.latencyMs;
  const figures = l.max > 0 ? [l.p50, l.p95, l.p99].map(formatMillis) : ['–', '–', '–'];
  return [
    // An invalid run's verdict is "invalid" already; its reasons go in the tooltip.
    `<td class="${run.sla.verdict}"${run.validity.valid ? '' : ` title="${escapeHtml(run.validity.reasons.join('; '))}"`}>${run.sla.verdict}</td>`,
    ...figures.map((f) => `<td>${f}</td>`),
    `<td>${formatPercent(run.errorRate)}</td>`,
  ].join('');
}

function alarmCell(probe: WatchedProbe): string {
  const alarming = Object.entries(probe.alarms).filter(([, state]) => state === 'ALARM');
  if (alarming.length === 0) return '<td class="pass">OK</td>';
  return `<td class="breach">${alarming.map(([name]) => escapeHtml(name)).join(', ')}</td>`;
}

/**
 * The watch's page: each probe's schedule, latest run and alarms, and the recent alerts, reloading itself. One
 * self-contained HTML document from a snapshot; the server takes any `(snapshot) => html` in its place.
 */
export function renderStatusPage(snapshot: WatchSnapshot): string {
  const rows = snapshot.probes
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.id)}</td><td>${escapeHtml(p.schedule)}</td><td>${p.state}</td><td>${p.runs}</td><td>${p.skipped}</td>${lastRunCells(p)}${alarmCell(p)}<td>${p.nextRunAt ? clock(p.nextRunAt) : '–'}</td></tr>`,
    )
    .join('\n');
  const alerts =
    snapshot.alerts.length === 0
      ? '<p>No alerts.</p>'
      : `<ul>${snapshot.alerts.map((a) => `<li>${clock(a.at)} ${escapeHtml(a.text)}</li>`).join('\n')}</ul>`;
  const title = `perfprobe watch: ${escapeHtml(snapshot.suite)} / ${escapeHtml(snapshot.environment)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${REFRESH_S}">
<title>${title}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.7rem; text-align: left; }
.pass { color: #17692b; } .warn { color: #8a6100; } .breach, .invalid { color: #b3261e; font-weight: bold; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>Watching since ${snapshot.startedAt.slice(0, 10)} ${clock(snapshot.startedAt)} (times UTC). Charts of the last 24 h: <a href="/report">/report</a>. Runs as JSON: <a href="/runs.json">/runs.json</a>.</p>
<table>
<thead><tr><th>probe</th><th>schedule</th><th>now</th><th>runs</th><th>skipped ticks</th><th>last verdict</th><th>p50</th><th>p95</th><th>p99</th><th>errors</th><th>alarms</th><th>next run (UTC)</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Alerts</h2>
${alerts}
</body>
</html>
`;
}
