import type { RunResult } from '../../core/run-result.ts';
import type { RunStore } from '../../core/run-store.ts';
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
