import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileRunStore } from '../../../functions/adapters/file-run-store.ts';
import type { ResolvedProbe } from '../../../functions/core/plan.ts';
import type { RunStore } from '../../../functions/core/run-store.ts';
import type { SloSpec } from '../../../functions/core/slo/slo-spec.ts';
import { renderHtmlReport } from '../../../functions/local/html-report/render-html-report.ts';
import { storedReportProbes, withSloStatus } from '../../../functions/local/html-report/stored-probes.ts';
import { sloLine } from '../../../functions/local/watch/run-line.ts';
import { storedRun } from '../../helpers/stored-runs.ts';

// The SLO as the HTML report and `watch` show it, from a local store with a known mix.
const SLO: SloSpec = { windowDays: 30, availability: 0.999 };
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'perfprobe-slo-views-'));
let store: RunStore;
let now: Date;

beforeAll(async () => {
  now = new Date();
  store = createFileRunStore({ dir, suite: 'bank', retentionDays: 90 });
  const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
  // 20,000 requests, 6 failed: 20 allowed, 70 % left; the last hour 4 of 10,000 (0.4×).
  await store.save(
    storedRun({ runId: 'a', startedAt: at(48 * HOUR), latenciesUs: Array(9_998).fill(9_000), failed: 2 }),
  );
  await store.save(
    storedRun({ runId: 'b', startedAt: at(HOUR / 2), latenciesUs: Array(9_996).fill(9_000), failed: 4 }),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the error budget in the HTML report', () => {
  it('draws a bar of the budget left per objective, with the SLI, the counts and the burn', async () => {
    const window = { from: new Date(now.getTime() - 24 * HOUR), to: now };
    const probes = await withSloStatus(
      await storedReportProbes(store, 'local', ['health'], window),
      { health: SLO },
      store,
      'local',
      now,
    );
    const page = renderHtmlReport({
      suite: 'bank',
      environment: 'local',
      generatedAt: now.toISOString(),
      probes,
    });

    expect(probes[0]?.slo?.objectives[0]?.counts).toEqual({ valid: 20_000, good: 19_994, bad: 6 });
    expect(page).toContain(
      '<meter class="budget" min="0" max="1" low="0.25" high="0.5" optimum="1" value="0.7"',
    );
    expect(page).toContain(
      '<td>availability 99.9 %/30d</td><td class="n">99.97 %</td><td class="n">6 of 20,000</td><td class="n">20</td>',
    );
    expect(page).toContain('<td class="n">0.4×</td>');
  });

  it('leaves the section out for a probe without an slo', async () => {
    const window = { from: new Date(now.getTime() - 24 * HOUR), to: now };
    const probes = await withSloStatus(
      await storedReportProbes(store, 'local', ['health'], window),
      {},
      store,
      'local',
      now,
    );
    const page = renderHtmlReport({
      suite: 'bank',
      environment: 'local',
      generatedAt: now.toISOString(),
      probes,
    });

    expect(page).not.toContain('Error budget');
  });
});

describe('the SLO line of perfprobe watch', () => {
  it('says each objective over its window as the store holds it now', async () => {
    const probe = { id: 'health', environment: 'local' } as ResolvedProbe;

    expect(await sloLine(probe, SLO, store)).toBe(
      'slo availability 99.9 %/30d: SLI 99.97 %, 70 % of the budget left, burning 0.4× over the last hour, gone in 52 days 12 h at this rate',
    );
  });
});
