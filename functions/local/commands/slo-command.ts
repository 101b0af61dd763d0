import { DAY_MS } from '../../core/slo/slo-spec.ts';
import { type SloStatus, sloStatus } from '../../core/slo/slo-status.ts';
import { formatLasting, objectiveLine } from '../../core/slo/slo-words.ts';
import type { StoreFor } from '../history-flags.ts';
import { writeJson } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { createStyle, type Style } from '../style.ts';
import { UsageError } from '../usage-error.ts';
import { pickEnvironment, pickProbes } from './suite-selection.ts';

export interface SloCommandOptions {
  readonly suitePath: string;
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  readonly json?: string | undefined;
  /** The local store or a deployed table, built once the suite (its retention) is known. */
  readonly store: StoreFor;
  readonly now?: Date;
  readonly out?: NodeJS.WriteStream;
}

export interface SloOutput {
  readonly environment: string;
  readonly probes: readonly SloStatus[];
}

/** `perfprobe slo`: per probe with an `slo`, each objective's SLI, budget and burn from the stored runs. */
export async function sloCommand(options: SloCommandOptions): Promise<SloOutput> {
  const out = options.out ?? process.stdout;
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const environment = pickEnvironment(suite, options.env);
  const selected = new Set(pickProbes(suite, options.probes));
  const withSlo = suite.probes.filter((p) => selected.has(p.id) && p.slo !== undefined);
  if (withSlo.length === 0) {
    throw new UsageError(
      `no selected probe has an slo (add slo: { window: '30d', availability: '99.9%' } to a probe)`,
    );
  }
  const now = options.now ?? new Date();
  const store = options.store(suite, environment);
  const probes: SloStatus[] = [];
  for (const probe of withSlo) {
    const slo = probe.slo!;
    const from = new Date(now.getTime() - slo.windowDays * DAY_MS);
    const runs = await store.runsBetween(environment, probe.id, from, now, Number.POSITIVE_INFINITY);
    probes.push(sloStatus(probe.id, slo, runs, now));
  }
  const result: SloOutput = { environment, probes };
  if (options.json) await writeJson('--json', options.json, result);
  out.write(formatSlo(result, createStyle(out)));
  return result;
}

function unmeasured(status: SloStatus): string {
  const parts: string[] = [];
  if (status.runs.invalid > 0) {
    parts.push(`${status.runs.invalid} of ${status.runs.total} runs invalid (not counted)`);
  }
  if (status.unmeasuredBeforeMs >= 60_000) {
    parts.push(
      status.runs.total === 0
        ? 'no run stored in the window'
        : `the first ${formatLasting(status.unmeasuredBeforeMs)} of the window have no run`,
    );
  }
  return parts.join('; ');
}

export function formatSlo(output: SloOutput, s: Style): string {
  const sections = output.probes.map((status) => {
    const head = `${s.bold(status.probeId)} ${s.dim(`(env ${output.environment}, ${status.from} to ${status.to}, ${status.runs.valid} valid runs)`)}`;
    const lines = status.objectives.map((objective) => {
      const line = objectiveLine(status, objective);
      const left = objective.budget.left;
      const colored =
        left === null
          ? line
          : left <= 0
            ? s.red(line)
            : (objective.burn.hour ?? 0) > 1
              ? s.yellow(line)
              : line;
      const sixHours =
        objective.burn.sixHours === null ? '' : `; 6 h burn ${+objective.burn.sixHours.toFixed(2)}×`;
      const counts = `${objective.counts.bad.toLocaleString('en-US')} bad of ${objective.counts.valid.toLocaleString('en-US')}, ${Math.round(objective.budget.allowed).toLocaleString('en-US')} allowed${sixHours}`;
      return `  ${colored}\n    ${s.dim(counts)}`;
    });
    const gap = unmeasured(status);
    return `${head}\n${lines.join('\n')}\n${gap ? `  ${s.yellow(gap)}\n` : ''}`;
  });
  return `${sections.join('\n')}${s.dim('Both count the requests of valid runs: availability the successful ones; latency the successful ones at or under the threshold, from the merged histograms.')}\n`;
}
