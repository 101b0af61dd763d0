import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileRunStore } from '../../../functions/adapters/file-run-store.ts';
import type { RunResult } from '../../../functions/core/run-result.ts';
import { reportCommand } from '../../../functions/local/commands/report-command.ts';
import { runCommand } from '../../../functions/local/commands/run-command.ts';
import { renderHtmlReport } from '../../../functions/local/html-report/render-html-report.ts';
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
const screenshot = join(work, 'report.png');
const VIEWPORT = { width: 1280, height: 900 };
const HOSTILE_ID = '</script><img src=x onerror=alert(1)>';

const quiet = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  }) as unknown as NodeJS.WriteStream;

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
  const store = createFileRunStore({ dir: storeDir, retentionDays: 30 });
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
    store: (suite) => createFileRunStore({ dir: storeDir, retentionDays: suite.retentionDays }),
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
  browser = await launchChromium();
  await Promise.all([
    browser.send('Page.enable'),
    browser.send('Runtime.enable'),
    browser.send('Log.enable'),
    browser.send('Network.enable'),
    browser.send('Emulation.setDeviceMetricsOverride', { ...VIEWPORT, deviceScaleFactor: 1, mobile: false }),
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
});
