// The report's charts: uPlot (inlined before this script) drawing the JSON the page carries. Runs in the browser,
// fetches nothing. Each chart's element gets data-rendered="true" once uPlot has drawn it (the browser test waits
// for that, then reads window.perfprobeCharts: each chart's uPlot and where its SLA labels went). Text from the
// report never goes through innerHTML here: uPlot sets labels with textContent.
(() => {
  const data = JSON.parse(document.getElementById('perfprobe-data').textContent);
  const HEIGHT = 260;
  const COLORS = { p50: '#2da44e', p95: '#0969da', p99: '#d1570f', max: '#8250df' };
  const SEVERITY = { critical: '#cf222e', warn: '#bf8700' };
  // Label text darker than the warn line's amber, to be read on white (4.5:1).
  const SEVERITY_TEXT = { critical: '#cf222e', warn: '#9a6700' };
  const LABEL_PX = 11;
  const charts = [];
  window.perfprobeCharts = charts;
  // A static page: uPlot's live legend would show "--" until hovered. The legend stays a key of the series.
  const LEGEND = { live: false };

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n) => String(n).padStart(2, '0');

  /**
   * Tick labels in UTC, as the page header: HH:MM (HH:MM:SS when ticks are seconds apart), with the date under
   * the first tick and wherever the day changes; dates alone when ticks are days apart.
   */
  function utcTicks(_u, splits, _axis, _space, incr) {
    let lastDay = '';
    return splits.map((ts) => {
      if (ts == null) return '';
      const d = new Date(ts * 1000);
      const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
      const newDay = day !== lastDay;
      lastDay = day;
      if (incr >= 86400) return day;
      const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
      const time = incr < 60 ? `${hm}:${two(d.getUTCSeconds())}` : hm;
      return newDay ? `${time}\n${day}` : time;
    });
  }
  const utcDate = (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

  /**
   * The time range around the runs: uPlot's own for a single point spans 1,000 days. A lone run gets 5 minutes
   * either side; several get a margin (5 %, at least 15 s) so the first and last points are not cut in half.
   */
  function runsRange(u) {
    const xs = u.data[0];
    if (xs.length === 0) return [0, 600];
    const lo = xs[0];
    const hi = xs[xs.length - 1];
    const pad = hi === lo ? 300 : Math.max((hi - lo) * 0.05, 15);
    return [lo - pad, hi + pad];
  }

  const msLabel = (v) => (v == null ? '--' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const msValues = (_u, splits) => splits.map((v) => (v == null ? '' : `${+v.toPrecision(6)}`));

  /** The y range from 0 up to the highest point or SLA line, so every threshold stays on the chart. */
  const rangeWith = (extra) => (_u, _min, max) => [0, Math.max(max ?? 0, ...extra, 0) * 1.08 || 1];

  /** "p99.9" for 1/(1-q) = 1000: the percentile a point of the log axis stands for. */
  function percentileLabel(x, extraDigits) {
    if (x <= 1) return '0%';
    const digits = Math.max(0, Math.ceil(Math.log10(x) - 2 - 1e-9)) + extraDigits;
    return `${(100 * (1 - 1 / x)).toFixed(digits)}%`;
  }

  function markRendered(u) {
    u.root.parentElement.dataset.rendered = 'true';
  }

  /**
   * Where each SLA label goes: just above its line, or, when lines are closer than a label is tall, stacked
   * upwards so no two overlap (and moved down together if the stack would leave the plot). Canvas pixels.
   */
  function labelRows(wantedYs, lineHeight, top) {
    const order = wantedYs.map((y, i) => ({ y, i })).sort((a, b) => b.y - a.y);
    for (let k = 1; k < order.length; k++) order[k].y = Math.min(order[k].y, order[k - 1].y - lineHeight);
    const overTop = order.length ? top + lineHeight - order[order.length - 1].y : 0;
    const ys = [];
    for (const o of order) ys[o.i] = o.y + Math.max(0, overTop);
    return ys;
  }

  /** Dashed horizontal SLA lines with their labels, across the plot (trend) or up to their percentile (distribution). */
  function thresholdPlugin(lines, toPercentile, record) {
    return {
      hooks: {
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            const dpr = devicePixelRatio;
            ctx.save();
            ctx.setLineDash([6 * dpr, 4 * dpr]);
            ctx.lineWidth = 1.5 * dpr;
            ctx.font = `${LABEL_PX * dpr}px system-ui, sans-serif`;
            // uPlot leaves the alignment of its last axis label behind.
            ctx.textAlign = 'left';
            ctx.textBaseline = 'bottom';
            const drawn = lines.filter((line) => !toPercentile || line.percentile != null);
            const ys = drawn.map((line) => u.valToPos(line.ms, 'y', true));
            const labelYs = labelRows(
              ys.map((y) => y - 4 * dpr),
              (LABEL_PX + 3) * dpr,
              bbox.top,
            );
            record.labels = [];
            drawn.forEach((line, i) => {
              const y = ys[i];
              let right = bbox.left + bbox.width;
              if (toPercentile) {
                const x = line.percentile >= 100 ? u.scales.x.max : 1 / (1 - line.percentile / 100);
                right = Math.min(right, u.valToPos(x, 'x', true));
              }
              ctx.strokeStyle = ctx.fillStyle = SEVERITY[line.severity];
              ctx.beginPath();
              ctx.moveTo(bbox.left, y);
              ctx.lineTo(right, y);
              ctx.stroke();
              if (toPercentile) {
                ctx.beginPath();
                ctx.arc(right, y, 3.5 * dpr, 0, 2 * Math.PI);
                ctx.fill();
              }
              const text = `${line.label} ≤ ${msLabel(line.ms)} ms`;
              const x = bbox.left + 4 * dpr;
              ctx.fillStyle = SEVERITY_TEXT[line.severity];
              ctx.fillText(text, x, labelYs[i]);
              // In CSS pixels of the plot, for the browser test: a box per label.
              const height = LABEL_PX + 2;
              record.labels.push({
                text,
                left: x / dpr,
                top: labelYs[i] / dpr - height,
                width: ctx.measureText(text).width / dpr,
                height,
              });
            });
            ctx.restore();
          },
        ],
      },
    };
  }

  /** A chart's record: its element, kind, uPlot, and (for charts with SLA lines) where the labels went. */
  function record(el) {
    const entry = { el, kind: el.dataset.chart, u: null, labels: [] };
    charts.push(entry);
    return entry;
  }

  function make(entry, opts, columns) {
    entry.u = new uPlot(
      {
        width: Math.max(320, entry.el.clientWidth),
        height: HEIGHT,
        legend: LEGEND,
        ...opts,
        hooks: { draw: [markRendered] },
      },
      columns,
      entry.el,
    );
  }

  function trendChart(entry, probe) {
    const t = probe.trend;
    const thresholds = probe.thresholds;
    const line = (label, stroke) => ({
      label,
      stroke,
      width: 1.5,
      value: (_u, v) => msLabel(v),
      points: { show: t.x.length < 60 },
    });
    make(
      entry,
      {
        tzDate: utcDate,
        scales: {
          x: { time: true, range: runsRange },
          y: { range: rangeWith(thresholds.map((l) => l.ms)) },
        },
        axes: [
          { label: 'time (UTC)', values: utcTicks, space: 70, size: 56 },
          { label: 'ms', values: msValues },
        ],
        series: [
          {},
          line('p50', COLORS.p50),
          line('p95', COLORS.p95),
          line('p99', COLORS.p99),
          line('max', COLORS.max),
        ],
        plugins: [thresholdPlugin(thresholds, false, entry)],
      },
      [t.x, t.p50, t.p95, t.p99, t.max],
    );
  }

  function distributionChart(entry, probe) {
    const d = probe.distribution;
    const thresholds = probe.thresholds.filter((l) => l.percentile != null);
    const series = [
      { value: (_u, v) => (v == null ? '--' : percentileLabel(v, 1)) },
      { label: 'this run', stroke: COLORS.p99, width: 2, value: (_u, v) => msLabel(v) },
    ];
    const columns = [d.x, d.latest];
    if (d.window) {
      series.push({
        label: `window: ${d.windowRuns.toLocaleString('en-US')} valid run${d.windowRuns === 1 ? '' : 's'} merged`,
        stroke: COLORS.p95,
        width: 1.5,
        value: (_u, v) => msLabel(v),
      });
      columns.push(d.window);
    }
    make(
      entry,
      {
        scales: {
          x: { time: false, distr: 3, log: 10, range: (_u, _min, max) => [1, Math.max(10, max)] },
          y: { range: rangeWith(thresholds.map((l) => l.ms)) },
        },
        axes: [
          {
            label: 'percentile',
            splits: (_u, _i, min, max) => {
              const out = [];
              for (let x = 1; x <= max * 1.0001; x *= 10) if (x >= min / 1.0001) out.push(x);
              return out;
            },
            values: (_u, splits) => splits.map((x) => percentileLabel(x, 0)),
          },
          { label: 'ms', values: msValues },
        ],
        series,
        plugins: [thresholdPlugin(thresholds, true, entry)],
      },
      columns,
    );
  }

  function timelineChart(entry, probe) {
    const t = probe.timeline;
    const perSecond = (_u, v) => (v == null ? '--' : `${+v.toFixed(1)}/s`);
    // The run's own length, not uPlot's 0-100 for a lone slot: a 0.4 s run spans 0.4 s.
    const end = Math.max(t.durationSeconds, t.x[t.x.length - 1] ?? 0) || 1;
    make(
      entry,
      {
        scales: {
          x: { time: false, range: () => [0, end] },
          rate: { range: (_u, _min, max) => [0, (max || 1) * 1.08] },
          ms: { range: rangeWith([]) },
        },
        axes: [
          {
            label: 'seconds since start',
            values: (_u, splits) => splits.map((s) => `${+s.toPrecision(6)}s`),
          },
          { scale: 'rate', label: 'per second', values: msValues },
          { scale: 'ms', side: 1, label: 'p99 ms', values: msValues, grid: { show: false } },
        ],
        series: [
          { value: (_u, v) => (v == null ? '--' : `${v}s`) },
          {
            label: 'requests',
            scale: 'rate',
            stroke: COLORS.p95,
            fill: 'rgba(9,105,218,0.12)',
            width: 1.5,
            value: perSecond,
          },
          { label: 'errors', scale: 'rate', stroke: SEVERITY.critical, width: 1.5, value: perSecond },
          { label: 'p99', scale: 'ms', stroke: COLORS.p99, width: 1.5, value: (_u, v) => msLabel(v) },
        ],
      },
      [t.x, t.requestsPerSecond, t.errorsPerSecond, t.p99],
    );
  }

  const DRAW = { trend: trendChart, distribution: distributionChart, timeline: timelineChart };
  for (const el of document.querySelectorAll('[data-chart]')) {
    const probe = data.probes[Number(el.dataset.probe)];
    DRAW[el.dataset.chart](record(el), probe);
  }

  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const { el, u } of charts) u.setSize({ width: Math.max(320, el.clientWidth), height: HEIGHT });
    });
  });
})();
