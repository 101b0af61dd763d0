import { DAY_MS } from '../../core/slo/slo-spec.ts';
import { type SloStatus, sloStatus } from '../../core/slo/slo-status.ts';
import { formatLasting, objectiveLine } from '../../core/slo/slo-words.ts';
import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { FlagProblems } from '../flag-values.ts';
import { type StoreFor, storeFromFlags } from '../history-flags.ts';
import { assertWritable, writeJson } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
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
  return `${sections.join('\n')}${s.dim('Availability counts requests of valid runs; latency, their timed responses at or under the threshold, from the merged histograms.')}\n`;
}

export const sloCli = defineCommand({
  name: 'slo',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    json: { type: 'string' },
    store: { type: 'string' },
    deployed: { type: 'boolean' },
    table: { type: 'string' },
    region: { type: 'string' },
  },
  help: `Usage: perfprobe slo <suite.ts> [options]

Per probe with an slo and per objective, from the stored runs of its window: the SLI (good / valid requests;
for latency, timed responses at or under the threshold, counted exactly from the merged histograms), the
target, the error budget (bad requests allowed) and how much is left, the burn rate over the last hour and six
hours, and when the budget runs out at the last hour's rate. Invalid runs are counted apart, not judged.

  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --json FILE         write the figures as JSON
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead, found in its stack's outputs;
                          credentials and region from the usual AWS chain
      --table NAME        the same, naming the table (the stack output RunsTable)
      --region R          the stack's region
${LOAD_TIMEOUT_HELP}  -h, --help

Exit codes: 0 shown, 2 bad usage, a bad suite, no probe with an slo or a store that cannot be read.
`,
  overview: {
    usage: [
      'slo <suite.ts> [--env NAME] [--probe ID]... [--json FILE]',
      '[--store DIR | --deployed | --table NAME] [--region R]',
    ],
    summary: ['SLIs, error budget left and burn rates over the SLO window'],
  },
  async run({ flags, positionals }) {
    const suitePath = oneSuitePath(positionals);
    const problems = new FlagProblems();
    const store = storeFromFlags(problems, {
      store: flags.store,
      table: flags.table,
      deployed: flags.deployed === true,
      region: flags.region,
    });
    if (problems.messages.length > 0) throw new UsageError(problems.messages.join('\n'));
    if (flags.json) await assertWritable('--json', flags.json);
    await sloCommand({
      suitePath,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      json: flags.json,
      store,
    });
    return 0;
  },
});
