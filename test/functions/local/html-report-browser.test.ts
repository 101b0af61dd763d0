import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileRunStore } from '../../../functions/adapters/file-run-store.ts';
import type { RunResult } from '../../../functions/core/run-result.ts';
import { reportCommand } from '../../../functions/local/commands/report-command.ts';
import { runCommand } from '../../../functions/local/commands/run-command.ts';
import {
  type HtmlReportInput,
  renderHtmlReport,
} from '../../../functions/local/html-report/render-html-report.ts';
import { type Browser, launchChromium } from '../../helpers/chromium.ts';
import { decodePng } from '../../helpers/png.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';
import { lognormalLatencies, storedRun } from '../../helpers/stored-runs.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Inside the repo (git-ignored) so the suite can `import { defineSuite } from 'perfprobe'`.
const work = join(root, '.perfprobe', `html-report-test-${process.pid}`);
const storeDir = join(work, 'store');
const suitePath = join(work, 'suite.ts');
const runPage = join(work, 'run.html');
const reportPage = join(work, 'report.html');
const hostilePage = join(work, 'hostile.html');
const layoutPage = join(work, 'layout.html');
const screenshot = join(work, 'report.png');
const VIEWPORT = { width: 1280, height: 900 };
const HOSTILE_ID = '</script><img src=x onerror=alert(1)>';

const quiet = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  }) as unknown as NodeJS.WriteStream;

/** 9:02 UTC, 4:02 in New York: the one run of the layout page's first probe. */
const SINGLE_RUN_AT = '2026-11-30T09:02:00.000Z';

/**
 * Probes the reviewers found hard to read: one run alone (trend and a 0.4 s timeline), SLA lines a few pixels
 * apart, a flow with long check names, and every verdict.
 */
function layoutInput(): HtmlReportInput {
  const base = (probeId: string, i: number) =>
    storedRun({
      runId: probeId,
      probeId,
      startedAt: SINGLE_RUN_AT,
      latenciesUs: lognormalLatencies(200, 8_000, i + 3),
      sla: { p50: { critical: 30 }, p95: { warn: 40, critical: 400 } },
    });
  const single: RunResult = {
    ...base('single', 0),
    durationMs: 400,
    timeline: [{ second: 0, seconds: 1, requests: 5, errors: 0, p50: 4, p99: 9 }],
  };
  const withVerdict = (probeId: string, i: number, verdict: RunResult['sla']['verdict']): RunResult => {
    const run = base(probeId, i);
    return { ...run, sla: { ...run.sla, verdict } };
  };
  const long = 'steps.settlement-confirmed-by-the-ledger.p95';
  const flowRun = withVerdict('flow', 4, 'pass');
  // As wide as the demo's accounts-list checks: an unbreakable "minThroughput" beside figures.
  const flow: RunResult = {
    ...flowRun,
    throughputRps: 590.29,
    sla: {
      ...flowRun.sla,
      checks: [
        ...flowRun.sla.checks,
        {
          name: 'minThroughput',
          severity: 'critical',
          metric: 'throughputRps',
          threshold: 100,
          observed: 590.29,
          passed: true,
        },
        { name: long, severity: 'warn', metric: long, threshold: 400, observed: 285, passed: true },
        { name: long, severity: 'critical', metric: long, threshold: 1000, observed: 285, passed: true },
      ],
    },
  };
  const probes = [
    single,
    withVerdict('warned', 1, 'warn'),
    withVerdict('breached', 2, 'breach'),
    withVerdict('invalid', 3, 'invalid'),
    flow,
  ].map((run) => ({ probeId: run.probeId, runs: [run], latest: run }));
  return {
    suite: 'layout',
    environment: 'local',
    generatedAt: SINGLE_RUN_AT,
    probes: [...probes, { probeId: 'never-ran', runs: [], latest: undefined }],
  };
}

/** WCAG's contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, b] = css
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Runs in the page after INSPECT: what each chart's uPlot drew, and the page's geometry. */
const GEOMETRY = `(() => ({
  charts: window.perfprobeCharts.map(({ kind, u, labels }) => ({
    kind,
    x: [u.scales.x.min, u.scales.x.max],
    data: u.data[0],
    ticks: u.axes[0]._values,
    labels,
  })),
  badges: [...document.querySelectorAll('.verdict')].map((b) => {
    const style = getComputedStyle(b);
    return { verdict: b.className, color: style.color, background: style.backgroundColor };
  }),
  legends: [...document.querySelectorAll('.u-legend')].map((l) => l.innerText),
  overflows: [...document.querySelectorAll('.tables > div')].flatMap((cell) => {
    const table = cell.querySelector('table');
    if (!table) return [];
    const right = table.getBoundingClientRect().right - cell.getBoundingClientRect().right;
    return right > 0.5 || cell.scrollWidth > cell.clientWidth ? [cell.querySelector('h3').innerText] : [];
  }),
}))()`;

interface Geometry {
  charts: {
    kind: string;
    x: [number, number];
    data: number[];
    ticks: string[];
    labels: { text: string; left: number; top: number; width: number; height: number }[];
  }[];
  badges: { verdict: string; color: string; background: string }[];
  legends: string[];
  overflows: string[];
}

let target: Running;
let browser: Browser;

/** What one page did while it loaded and drew: everything the assertions look at. */
interface PageVisit {
  readonly requests: string[];
  readonly problems: string[];
  readonly charts: {
    kind: string;
    rendered: boolean;
    width: number;
    height: number;
    ink: Record<string, number>;
  }[];
  readonly text: string;
}

// Series and SLA colours of page.js, to find in each chart's pixels: ink of a series, not only axes.
const INK = {
  p50: [0x2d, 0xa4, 0x4e],
  p99: [0xd1, 0x57, 0x0f],
  requests: [0x09, 0x69, 0xda],
  critical: [0xcf, 0x22, 0x2e],
};

/** Runs in the page: waits until every chart says it has drawn (5 s at most), then reads each canvas. */
const INSPECT = `(async (ink) => {
  const charts = [...document.querySelectorAll('[data-chart]')];
  const deadline = Date.now() + 5000;
  while (charts.some((c) => c.dataset.rendered !== 'true') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    text: document.body.innerText,
    charts: charts.map((el) => {
      const canvas = el.querySelector('canvas');
      const counts = {};
      for (const name of Object.keys(ink)) counts[name] = 0;
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] < 200) continue;
          for (const [name, [r, g, b]] of Object.entries(ink)) {
            if (Math.abs(px[i] - r) < 12 && Math.abs(px[i + 1] - g) < 12 && Math.abs(px[i + 2] - b) < 12) counts[name]++;
          }
        }
      }
      return {
        kind: el.dataset.chart,
        rendered: el.dataset.rendered === 'true',
        width: canvas ? canvas.width : 0,
        height: canvas ? canvas.height : 0,
        ink: counts,
      };
    }),
  };
})(${JSON.stringify(INK)})`;

/** Opens a file, collects every request, console error, page error and dialog, and inspects the charts. */
async function visit(file: string): Promise<PageVisit> {
  const requests: string[] = [];
  const problems: string[] = [];
  const stop = browser.onEvent((method, params) => {
    if (method === 'Network.requestWillBeSent') requests.push((params.request as { url: string }).url);
    if (method === 'Runtime.exceptionThrown')
      problems.push(`page error: ${JSON.stringify(params.exceptionDetails)}`);
    if (
      method === 'Runtime.consoleAPICalled' &&
      ['error', 'warning', 'assert'].includes(params.type as string)
    ) {
      problems.push(`console.${params.type}: ${JSON.stringify(params.args)}`);
    }
    if (method === 'Log.entryAdded') {
      const entry = params.entry as { level: string; text: string; url?: string };
      if (entry.level === 'error' || entry.level === 'warning')
        problems.push(`log ${entry.level}: ${entry.text}`);
    }
    if (method === 'Page.javascriptDialogOpening') problems.push(`dialog: ${params.message}`);
  });
  const loaded = browser.next('Page.loadEventFired');
  await browser.send('Page.navigate', { url: pathToFileURL(file).href });
  await loaded;
  const { result } = await browser.send<{ result: { value: Omit<PageVisit, 'requests' | 'problems'> } }>(
    'Runtime.evaluate',
    { expression: INSPECT, awaitPromise: true, returnByValue: true },
  );
  stop();
  return { requests, problems, ...result.value };
}

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  // Latency 1-9 ms by a fixed pattern, and every 20th request answered 503: errors to break down.
  let n = 0;
  target = await httpServer((_req, res) => {
    n++;
    setTimeout(
      () => {
        res.statusCode = n % 20 === 0 ? 503 : 200;
        res.end('ok');
      },
      1 + ((n * 7) % 9),
    );
  });
  writeFileSync(
    suitePath,
    `import { defineSuite } from 'perfprobe';

export default defineSuite({
  name: 'html-report',
  environments: { local: { baseUrl: '${target.url}' } },
  probes: [
    {
      id: 'accounts',
      request: { url: '/accounts' },
      load: { kind: 'burst', connections: 4, duration: '1500ms' },
      sla: { p50: 20, p99: { warn: 15, critical: 40 }, errorRate: '10%' },
    },
    {
      id: 'search',
      request: { url: '/search' },
      load: { kind: 'rate', rate: 40, duration: '1500ms' },
      sla: { p95: 30, errorRate: '10%' },
    },
  ],
});
`,
  );
  // An earlier run of each probe an hour ago, so the trend and the merged distribution have history.
  const store = createFileRunStore({ dir: storeDir, suite: 'html-report', retentionDays: 30 });
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  for (const [i, probeId] of ['accounts', 'search'].entries()) {
    await store.save(
      storedRun({
        runId: `earlier-${probeId}`,
        probeId,
        startedAt: hourAgo,
        latenciesUs: lognormalLatencies(500, 6_000, i + 1),
        sla: { p99: { critical: 40 } },
      }),
    );
  }
  await runCommand({ suitePath, store: storeDir, html: runPage, out: quiet() });
  await reportCommand({
    suitePath,
    sinceMs: 86_400_000,
    html: reportPage,
    store: (suite) =>
      createFileRunStore({ dir: storeDir, suite: suite.name, retentionDays: suite.retentionDays }),
    out: quiet(),
  });
  // Text a suite or a server controls, made to break out of the page: it must show as text and do nothing.
  const hostile: RunResult = {
    ...storedRun({
      runId: 'h',
      probeId: HOSTILE_ID,
      startedAt: hourAgo,
      latenciesUs: [5_000, 9_000],
      failed: 1,
    }),
    sampleErrors: ['http_5xx: <script>alert(2)</script> </style><img src=y>'],
    timeline: [{ second: 0, seconds: 1, requests: 3, errors: 1, p50: 5, p99: 9 }],
  };
  writeFileSync(
    hostilePage,
    renderHtmlReport({
      suite: '<b>suite</b>',
      environment: '"env"',
      generatedAt: hourAgo,
      probes: [{ probeId: HOSTILE_ID, runs: [hostile], latest: hostile }],
    }),
  );
  writeFileSync(layoutPage, renderHtmlReport(layoutInput()));
  browser = await launchChromium();
  await Promise.all([
    browser.send('Page.enable'),
    browser.send('Runtime.enable'),
    browser.send('Log.enable'),
    browser.send('Network.enable'),
    browser.send('Emulation.setDeviceMetricsOverride', { ...VIEWPORT, deviceScaleFactor: 1, mobile: false }),
    // Far from UTC, so an axis in the browser's local time would show.
    browser.send('Emulation.setTimezoneOverride', { timezoneId: 'America/New_York' }),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await target?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', () => {
  it('report --html: loads with no error, fetches nothing but itself, and draws every chart of every probe', async () => {
    const page = await visit(reportPage);

    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([pathToFileURL(reportPage).href]);
    // Two probes × percentiles over time, distribution and timeline.
    expect(page.charts.map((c) => c.kind)).toEqual([
      'trend',
      'distribution',
      'timeline',
      'trend',
      'distribution',
      'timeline',
    ]);
    for (const chart of page.charts) {
      expect(chart.rendered).toBe(true);
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(200);
    }
    const [trend, distribution, timeline] = page.charts;
    expect(trend!.ink.p50).toBeGreaterThan(10);
    expect(trend!.ink.critical).toBeGreaterThan(50); // the p99 critical SLA line
    expect(distribution!.ink.p99).toBeGreaterThan(50); // this run's curve
    expect(timeline!.ink.requests).toBeGreaterThan(50);
    expect(page.text).toContain('html-report on local');
    expect(page.text).toContain('http_5xx');
  });

  it('keeps a screenshot: a PNG of the viewport, not blank', async () => {
    const { data } = await browser.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    writeFileSync(screenshot, Buffer.from(data, 'base64'));

    const png = decodePng(readFileSync(screenshot));

    expect([png.width, png.height]).toEqual([VIEWPORT.width, VIEWPORT.height]);
    const colours = new Set<number>();
    let ink = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      const [r, g, b] = [png.rgba[i]!, png.rgba[i + 1]!, png.rgba[i + 2]!];
      if (r + g + b < 600) ink++;
      colours.add((r << 16) | (g << 8) | b);
    }
    expect(ink / (png.width * png.height)).toBeGreaterThan(0.01);
    expect(colours.size).toBeGreaterThan(50);
  });

  it('run --html: the run just made, with the stored run before it, draws the same charts', async () => {
    const page = await visit(runPage);

    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([pathToFileURL(runPage).href]);
    expect(page.charts).toHaveLength(6);
    expect(page.charts.every((c) => c.rendered && c.width > 300)).toBe(true);
    // The stored run and this one (unless this machine was too busy for a valid run).
    expect(page.text).toMatch(/window: [12] valid runs? merged/);
  });

  it('shows hostile probe ids and error samples as text: no script runs, nothing is fetched', async () => {
    const page = await visit(hostilePage);

    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([pathToFileURL(hostilePage).href]);
    expect(page.text).toContain(HOSTILE_ID);
    expect(page.text).toContain('<script>alert(2)</script> </style><img src=y>');
    expect(page.text).toContain('<b>suite</b> on "env"');
    expect(page.charts.map((c) => [c.kind, c.rendered])).toEqual([
      ['trend', true],
      ['distribution', true],
      ['timeline', true],
    ]);
  });

  it('is readable: distinct AA badges, sane axes in UTC, SLA labels apart, a static legend, tables in their column', async () => {
    const page = await visit(layoutPage);
    const { result } = await browser.send<{ result: { value: Geometry } }>('Runtime.evaluate', {
      expression: GEOMETRY,
      returnByValue: true,
    });
    const g = result.value;

    expect(page.problems).toEqual([]);
    // Each verdict its own colour, its text at 4.5:1 or more (WCAG AA).
    const badge = (v: string) => g.badges.find((b) => b.verdict === `verdict ${v}`)!;
    const verdicts = ['pass', 'warn', 'breach', 'invalid', 'none'];
    for (const v of verdicts)
      expect(contrast(badge(v).color, badge(v).background)).toBeGreaterThanOrEqual(4.5);
    expect(new Set(verdicts.map((v) => badge(v).background)).size).toBe(verdicts.length);
    // One run: a trend around it (uPlot alone spans 1,000 days), ticks in UTC though the browser is in New York.
    const [trend, , timeline] = g.charts;
    const at = Date.parse(SINGLE_RUN_AT) / 1000;
    expect(trend!.data).toEqual([at]);
    expect(trend!.x[0]).toBeLessThan(at);
    expect(trend!.x[1]).toBeGreaterThan(at);
    expect(trend!.x[1] - trend!.x[0]).toBeLessThanOrEqual(3600);
    expect(trend!.ticks.length).toBeGreaterThan(1);
    expect(trend!.ticks[0]).toMatch(/^(08|09):\d\d\n30 Nov$/);
    for (const tick of trend!.ticks.slice(1)) expect(tick).toMatch(/^(08|09):\d\d$/);
    // A 0.4 s run's timeline spans 0.4 s, not 0-100.
    expect(timeline!.x).toEqual([0, 0.4]);
    // p50 ≤ 30 and p95 warn ≤ 40 are a few pixels apart on a 0-400 ms axis: their labels must not overlap.
    const overlap = (a: Geometry['charts'][0]['labels'][0], b: typeof a) =>
      a.left < b.left + b.width &&
      b.left < a.left + a.width &&
      a.top < b.top + b.height &&
      b.top < a.top + a.height;
    for (const chart of g.charts) {
      for (const [i, a] of chart.labels.entries()) {
        for (const b of chart.labels.slice(i + 1)) expect(overlap(a, b), `${a.text} / ${b.text}`).toBe(false);
      }
    }
    expect(trend!.labels.map((l) => l.text)).toEqual([
      'p50 critical ≤ 30.0 ms',
      'p95 warn ≤ 40.0 ms',
      'p95 critical ≤ 400 ms',
    ]);
    // The legend names the series; no "--" waiting for a hover.
    expect(g.legends.length).toBeGreaterThan(0);
    for (const legend of g.legends) expect(legend).not.toContain('--');
    expect(g.legends[0]).toContain('p95');
    // The flow's long check names wrap inside the SLA checks column.
    expect(g.overflows).toEqual([]);
  });
});
