import { createFileRunStore } from '../../adapters/file-run-store.ts';
import type { RunResult } from '../../core/run-result.ts';
import type { RunStore } from '../../core/run-store.ts';
import { resolveProbe } from '../../core/suite/resolve-probe.ts';
import type { Suite } from '../../core/suite/schema.ts';
import { exitCodeOf } from '../exit-code.ts';
import { assertWritable, writeJson } from '../json-output.ts';
import { loadSuite } from '../load-suite.ts';
import { startProgress } from '../progress.ts';
import { formatRun, formatSuiteTable, plannedRequests } from '../report.ts';
import { checkBeforeRun, runProbeLocally } from '../run-probe.ts';
import { assertStoreWritable } from '../store-dir.ts';
import { createStyle } from '../style.ts';
import { UsageError } from '../usage-error.ts';

export interface RunCommandOptions {
  readonly suitePath: string;
  readonly env?: string | undefined;
  readonly probes?: readonly string[] | undefined;
  readonly json?: string | undefined;
  readonly shards?: number | undefined;
  readonly quiet?: boolean;
  /** The local run store's directory, where every RunResult is recorded; undefined records nothing. */
  readonly store?: string | undefined;
  readonly signal?: AbortSignal;
  readonly out?: NodeJS.WriteStream;
}

export function pickEnvironment(suite: Suite, requested: string | undefined): string {
  const names = Object.keys(suite.environments);
  if (requested !== undefined) {
    if (!names.includes(requested)) {
      throw new UsageError(`--env ${requested}: the suite defines ${names.map((n) => `"${n}"`).join(', ')}`);
    }
    return requested;
  }
  if (names.length === 1) return names[0]!;
  throw new UsageError(
    `the suite defines ${names.length} environments (${names.join(', ')}): choose one with --env`,
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `perfprobe run`: every selected probe once, one after the other, so probes do not skew each other. */
export async function runCommand(options: RunCommandOptions): Promise<{ code: 0 | 1; results: RunResult[] }> {
  const out = options.out ?? process.stdout;
  const style = createStyle(out);
  const suite = await loadSuite(options.suitePath);
  const env = pickEnvironment(suite, options.env);
  const selected = options.probes?.length ? options.probes : suite.probes.map((p) => p.id);
  const unknown = selected.filter((id) => !suite.probes.some((p) => p.id === id));
  if (unknown.length > 0) {
    throw new UsageError(
      `--probe ${unknown.join(', ')}: not in the suite (it has ${suite.probes.map((p) => p.id).join(', ')})`,
    );
  }
  const probes = suite.probes.filter((p) => selected.includes(p.id)).map((p) => resolveProbe(suite, p, env));
  if (options.json) await assertWritable('--json', options.json);
  if (options.store !== undefined) await assertStoreWritable(options.store);
  const store: RunStore | undefined =
    options.store === undefined
      ? undefined
      : createFileRunStore({ dir: options.store, retentionDays: suite.retentionDays });
  await checkBeforeRun(probes);
  out.write(`${style.bold(suite.name)}: ${plural(probes.length, 'probe')} against environment "${env}"\n\n`);
  const results: RunResult[] = [];
  for (const probe of probes) {
    if (options.signal?.aborted) break;
    const progress = startProgress(out, probe.id);
    const result = await runProbeLocally(probe, {
      shards: options.shards,
      signal: options.signal,
      onStart: progress.attach,
    }).finally(progress.stop);
    results.push(result);
    // A run that could not be recorded is still reported and judged: say so, and go on.
    await store?.save(result).catch((error: Error) => {
      process.stderr.write(`perfprobe: ${probe.id}: run not recorded: ${error.message}\n`);
    });
    if (!options.quiet) {
      out.write(`${formatRun(result, style, { plannedRequests: plannedRequests(probe) })}\n\n`);
    }
  }
  out.write(`${formatSuiteTable(results, style)}\n`);
  // Ctrl-C between two probes leaves the finished ones valid: the skipped ones still prove nothing.
  const skipped = probes.length - results.length;
  if (skipped > 0) out.write(style.yellow(`interrupted: ${plural(skipped, 'probe')} not run\n`));
  if (options.json) await writeJson('--json', options.json, results);
  return { code: skipped > 0 ? 1 : exitCodeOf(results), results };
}
