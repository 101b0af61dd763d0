import type { RunResult } from '../../core/run-result.ts';
import type { RunStore } from '../../core/run-store.ts';
import { DAY_MS, type SloSpec } from '../../core/slo/slo-spec.ts';
import { sloStatus } from '../../core/slo/slo-status.ts';
import type { HtmlReportProbe } from './render-html-report.ts';

export interface ReportWindow {
  readonly from: Date;
  readonly to: Date;
}

/**
 * Each probe's stored runs of the window, newest first (at most `limit`, default all); the latest is the one a
 * report details.
 */
export async function storedReportProbes(
  store: RunStore,
  environment: string,
  probeIds: readonly string[],
  window: ReportWindow,
  limit = Number.POSITIVE_INFINITY,
): Promise<HtmlReportProbe[]> {
  const probes: HtmlReportProbe[] = [];
  for (const probeId of probeIds) {
    const runs = await store.runsBetween(environment, probeId, window.from, window.to, limit);
    probes.push({ probeId, runs, latest: runs[0] });
  }
  return probes;
}

/**
 * The runs just made, each with its probe's stored runs of the window for the trend (when there is a store):
 * the run itself is the latest even if the store could not record it.
 */
export async function justMadeReportProbes(
  results: readonly RunResult[],
  store: RunStore | undefined,
  window: ReportWindow,
): Promise<HtmlReportProbe[]> {
  const probes: HtmlReportProbe[] = [];
  for (const latest of results) {
    const stored = store
      ? await store.runsBetween(
          latest.environment,
          latest.probeId,
          window.from,
          window.to,
          Number.POSITIVE_INFINITY,
        )
      : [];
    const earlier = stored.filter((r) => r.runId !== latest.runId);
    probes.push({ probeId: latest.probeId, runs: [latest, ...earlier], latest });
  }
  return probes;
}

/**
 * The probes with an `slo` get its status over the SLO's own window (read apart: it is usually longer than the
 * report's), for the page's error-budget section.
 */
export async function withSloStatus(
  probes: readonly HtmlReportProbe[],
  slos: Readonly<Record<string, SloSpec | undefined>>,
  store: RunStore,
  environment: string,
  now: Date,
): Promise<HtmlReportProbe[]> {
  const out: HtmlReportProbe[] = [];
  for (const probe of probes) {
    const slo = slos[probe.probeId];
    if (slo === undefined) {
      out.push(probe);
      continue;
    }
    const from = new Date(now.getTime() - slo.windowDays * DAY_MS);
    const runs = await store.runsBetween(environment, probe.probeId, from, now, Number.POSITIVE_INFINITY);
    out.push({ ...probe, slo: sloStatus(probe.probeId, slo, runs, now) });
  }
  return out;
}
