import { createHash } from 'node:crypto';
import type { RunResult } from '../../core/run-result.ts';
import type { SloStatus } from '../../core/slo/slo-status.ts';
import { hasLatency, NOT_MEASURED } from '../report.ts';
import { type ReportAssets, reportAssets } from './assets.ts';
import { budgetSection } from './budget-section.ts';
import { isMeasured, type ProbeChartData, probeChartData } from './chart-data.ts';
import { connectionTable } from './connection-table.ts';
import { escapeHtml as h, jsonForScript } from './escape.ts';
import {
  checksTable,
  errorsSection,
  flowHttpRequests,
  isFlow,
  ms,
  num,
  pct,
  phasesTable,
  runFacts,
  stepsTable,
  table,
  validityTable,
  verdictBadge,
} from './sections.ts';
import { tracesTable } from './traces-table.ts';

/** One probe of the report. */
export interface HtmlReportProbe {
  readonly probeId: string;
  /** The probe's runs of the window, newest first, `latest` among them: the trend and the merged distribution. */
  readonly runs: readonly RunResult[];
  /** The run the page details (timeline, errors, phases, checks); undefined when the window holds no run. */
  readonly latest: RunResult | undefined;
  /** For a probe with an `slo`: its objectives over the SLO's own window (see withSloStatus). */
  readonly slo?: SloStatus | undefined;
}

/** What `renderHtmlReport` draws. Plain data: `perfprobe report`, `run --html` and a live server build it alike. */
export interface HtmlReportInput {
  readonly suite: string;
  readonly environment: string;
  /** ISO time the page says it was made (the function never reads the clock). */
  readonly generatedAt: string;
  /** Where the runs were read from, for the heading; undefined for runs that were not read from a store. */
  readonly window?: { readonly from: string; readonly to: string } | undefined;
  /** Reload the page every N seconds (a live view); undefined for a file. */
  readonly refreshSeconds?: number | undefined;
  readonly probes: readonly HtmlReportProbe[];
}

/** The id of the `<script type="application/json">` that holds the charts' data. */
export const DATA_ELEMENT_ID = 'perfprobe-data';

/** Inline JS: no `</script` may end its element early (none of ours has one; this keeps it true). */
const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1');
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * One row a probe: how many runs the window holds, then the latest run's own figures (not the window's), under a
 * header that says so. A flow's latest run counts iterations, and says how many HTTP requests they sent.
 */
function summaryTable(input: HtmlReportInput): string {
  return table(
    ['probe', 'latest verdict', 'runs in window', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
    input.probes.map((p, i) => {
      const r = p.latest;
      const latency = (v: number | undefined) =>
        h(r && hasLatency(r) && v !== undefined ? ms(v) : NOT_MEASURED);
      const sent = !r
        ? NOT_MEASURED
        : isFlow(r)
          ? `${num(r.requests.total)} iterations (${num(flowHttpRequests(r))} HTTP)`
          : num(r.requests.total);
      return [
        `<a href="#probe-${i}">${h(p.probeId)}</a>`,
        verdictBadge(r?.sla.verdict ?? 'none'),
        h(num(p.runs.length)),
        h(sent),
        latency(r?.latencyMs.p50),
        latency(r?.latencyMs.p95),
        latency(r?.latencyMs.p99),
        h(r ? pct(r.errorRate) : NOT_MEASURED),
      ];
    }),
    {
      numeric: [2, 3, 4, 5, 6, 7],
      groups: [
        ['', 3],
        ['latest run', 5],
      ],
    },
  );
}

function chart(kind: string, index: number, caption: string): string {
  return `<figure><figcaption>${h(caption)}</figcaption><div class="chart" data-chart="${kind}" data-probe="${index}"></div></figure>`;
}

function probeSection(
  probe: HtmlReportProbe,
  index: number,
  input: HtmlReportInput,
  charted: ProbeChartData | null,
): string {
  const run = probe.latest;
  const head = `<h2>${h(probe.probeId)} ${verdictBadge(run?.sla.verdict ?? 'none')}</h2>`;
  if (!run || !charted) {
    const since = input.window ? ` since ${input.window.from}` : '';
    return `<section class="probe" id="probe-${index}">${head}<p class="muted">${h(`No run stored${since}.`)}</p>${probe.slo ? budgetSection(probe.slo) : ''}</section>`;
  }
  const valid = probe.runs.filter(isMeasured).length;
  const notDrawn = probe.runs.length - valid;
  const skipped = notDrawn ? ` (${num(notDrawn)} invalid or unmeasured, not drawn)` : '';
  const runs = `${num(valid)} run${valid === 1 ? '' : 's'}${skipped}`;
  const per =
    charted.trend.per === 'hour'
      ? `Percentiles per hour, each hour's runs merged exactly: ${runs}`
      : `Percentiles per run over time: ${runs}`;
  const charts = [
    valid > 0
      ? chart('trend', index, `${per}; dashed: latency SLAs`)
      : `<p class="muted">${h(`No valid run with responses in the window to draw over time${skipped}.`)}</p>`,
  ];
  if (charted.distribution) {
    charts.push(
      chart('distribution', index, 'Latency by percentile (log scale): this run, and the window merged'),
    );
  }
  if (charted.timeline) {
    charts.push(chart('timeline', index, 'This run over time: requests/s, errors/s and p99 per slot'));
  }
  const steps = stepsTable(run);
  const connection = connectionTable(run);
  const traces = tracesTable(run);
  return `<section class="probe" id="probe-${index}">${head}
<p class="facts">${runFacts(run)}</p>
${probe.slo ? budgetSection(probe.slo) : ''}
<div class="charts">${charts.join('')}</div>
<div class="tables">
<div><h3>SLA checks</h3>${checksTable(run)}</div>
<div><h3>Validity</h3>${validityTable(run)}</div>
<div><h3>Errors</h3>${errorsSection(run)}</div>
<div><h3>Phases</h3>${phasesTable(run)}</div>
${connection ? `<div><h3>Connection</h3>${connection}</div>` : ''}
${steps ? `<div><h3>Steps</h3>${steps}</div>` : ''}
${traces ? `<div><h3>Trace ids (traceparent)</h3>${traces}</div>` : ''}
</div>
</section>`;
}

/**
 * One self-contained HTML page: uPlot, the page's script and style, and the charts' data are inlined, and a
 * Content-Security-Policy forbids every fetch, so the file shows the same with no network. Pure: same input,
 * same page. Every text from a suite or a run is escaped; the data travels as JSON in a non-executed script
 * element, and only the page's own scripts (by hash) may run.
 */
export function renderHtmlReport(input: HtmlReportInput, assets: ReportAssets = reportAssets()): string {
  const data = {
    probes: input.probes.map((p) => (p.latest ? probeChartData(p.latest, p.runs) : null)),
  };
  const chartJs = inlineScript(assets.chartJs);
  const pageJs = inlineScript(assets.pageJs);
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(chartJs)} ${sha256(pageJs)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `perfprobe: ${input.suite} on ${input.environment}`;
  const window = input.window ? `runs from ${input.window.from} to ${input.window.to}; ` : '';
  const refresh =
    input.refreshSeconds === undefined
      ? ''
      : `<meta http-equiv="refresh" content="${Number(input.refreshSeconds)}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}<title>${h(title)}</title>
<style>${assets.chartCss}</style>
<style>${assets.pageCss}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p class="muted">${h(`${window}generated ${input.generatedAt}. Percentiles come from exact HDR histograms, merged, never averaged.`)}</p>
${summaryTable(input)}
</header>
<main>
${input.probes.map((p, i) => probeSection(p, i, input, data.probes[i] ?? null)).join('\n')}
</main>
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(data)}</script>
<script>${chartJs}</script>
<script>${pageJs}</script>
</body>
</html>
`;
}
