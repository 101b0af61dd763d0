// The report's charts: uPlot (inlined before this script) drawing the JSON the page carries. Runs in the browser,
// fetches nothing. Each chart's element gets data-rendered="true" once uPlot has drawn it (the browser test waits
// for that). Text from the report never goes through innerHTML here: uPlot sets labels with textContent.
(() => {
  const data = JSON.parse(document.getElementById('perfprobe-data').textContent);
  const HEIGHT = 260;
  const COLORS = { p50: '#2da44e', p95: '#0969da', p99: '#d1570f', max: '#8250df' };
  const SEVERITY = { critical: '#cf222e', warn: '#bf8700' };
  const charts = [];

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

  /** Dashed horizontal SLA lines with their labels, across the plot (trend) or up to their percentile (distribution). */
  function thresholdPlugin(lines, toPercentile) {
    return {
      hooks: {
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
            // uPlot leaves the alignment of its last axis label behind.
            ctx.textAlign = 'left';
            ctx.textBaseline = 'bottom';
            for (const line of lines) {
              const y = u.valToPos(line.ms, 'y', true);
              let right = bbox.left + bbox.width;
              if (toPercentile) {
                if (line.percentile == null) continue;
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
                ctx.arc(right, y, 3.5 * devicePixelRatio, 0, 2 * Math.PI);
                ctx.fill();
              }
              ctx.fillText(
                `${line.label} ≤ ${msLabel(line.ms)} ms`,
                bbox.left + 4 * devicePixelRatio,
                y - 4 * devicePixelRatio,
              );
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function make(el, opts, columns) {
    const u = new uPlot(
      { width: Math.max(320, el.clientWidth), height: HEIGHT, ...opts, hooks: { draw: [markRendered] } },
      columns,
      el,
    );
    charts.push({ el, u });
  }

  function trendChart(el, probe) {
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
      el,
      {
        scales: {
          x: { time: true, range: (_u, min, max) => (min === max ? [min - 1800, max + 1800] : [min, max]) },
          y: { range: rangeWith(thresholds.map((l) => l.ms)) },
        },
        axes: [{}, { label: 'ms', values: msValues }],
        series: [
          {},
          line('p50', COLORS.p50),
          line('p95', COLORS.p95),
          line('p99', COLORS.p99),
          line('max', COLORS.max),
        ],
        plugins: [thresholdPlugin(thresholds, false)],
      },
      [t.x, t.p50, t.p95, t.p99, t.max],
    );
  }

  function distributionChart(el, probe) {
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
      el,
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
        plugins: [thresholdPlugin(thresholds, true)],
      },
      columns,
    );
  }

  function timelineChart(el, probe) {
    const t = probe.timeline;
    const perSecond = (_u, v) => (v == null ? '--' : `${+v.toFixed(1)}/s`);
    make(
      el,
      {
        scales: {
          x: { time: false },
          rate: { range: (_u, _min, max) => [0, (max || 1) * 1.08] },
          ms: { range: rangeWith([]) },
        },
        axes: [
          { label: 'seconds since start', values: (_u, splits) => splits.map((s) => `${s}s`) },
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
    DRAW[el.dataset.chart](el, probe);
  }

  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const { el, u } of charts) u.setSize({ width: Math.max(320, el.clientWidth), height: HEIGHT });
    });
  });
})();
