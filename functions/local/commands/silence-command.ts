import { createSilenceStore } from '../../adapters/dynamo-silence-store.ts';
import { RunsReadError } from '../../adapters/runs-read-error.ts';
import { parseDurationMs } from '../../core/durations.ts';
import { SILENCE_MAX_MS, type Silence } from '../../core/notify/silence.ts';
import { loadSuite } from '../load-suite.ts';
import { table } from '../style.ts';
import { UsageError } from '../usage-error.ts';
import { type DeployedTableOptions, deployedTable } from './deployed-table.ts';
import { pickEnvironment } from './suite-selection.ts';

export interface SilenceCommandOptions extends DeployedTableOptions {
  readonly suitePath: string;
  /** How long the suite may take to load; undefined: DEFAULT_LOAD_TIMEOUT_MS. */
  readonly loadTimeoutMs?: number | undefined;
  readonly env?: string | undefined;
  readonly probe?: string | undefined;
  /** How long: "2h", "30m" (at most a week). */
  readonly for?: string | undefined;
  readonly reason?: string | undefined;
  readonly list?: boolean;
  readonly end?: string | undefined;
  readonly out?: NodeJS.WritableStream;
  readonly now?: () => Date;
}

const describe = (s: Silence) => `${s.probeId ?? 'every probe'} until ${s.endsAt} (${s.reason})`;

/**
 * `perfprobe silence`: holds the pages about an environment's probes (or one probe) for a while; the probes keep
 * measuring and storing. Every silence ends by itself; `--end` ends one early, `--list` shows those in force.
 */
export async function silenceCommand(options: SilenceCommandOptions): Promise<0> {
  const out = options.out ?? process.stdout;
  const now = (options.now ?? (() => new Date()))();
  const suite = await loadSuite(options.suitePath, { timeoutMs: options.loadTimeoutMs });
  const env = pickEnvironment(suite, options.env);
  if (options.probe !== undefined && !suite.probes.some((p) => p.id === options.probe)) {
    throw new UsageError(
      `--probe ${options.probe}: not in the suite (it has ${suite.probes.map((p) => p.id).join(', ')})`,
    );
  }
  const modes = [options.list === true, options.end !== undefined, options.for !== undefined].filter(Boolean);
  if (modes.length !== 1) {
    throw new UsageError('expected exactly one of --for DURATION (with --reason), --list or --end ID');
  }
  let forMs: number | undefined;
  if (options.for !== undefined) {
    forMs = parseDurationMs(options.for);
    if (forMs === undefined || forMs <= 0 || forMs > SILENCE_MAX_MS) {
      throw new UsageError(
        `--for: expected a duration above 0 and at most 168h (a silence always ends), got "${options.for}"`,
      );
    }
    if (!options.reason?.trim()) {
      throw new UsageError(
        '--reason: expected why pages are held (it is shown with every held page), got nothing',
      );
    }
  }
  const { client, table: tableName, region } = await deployedTable(suite.name, env, options);
  const silences = createSilenceStore(client, tableName);
  try {
    if (options.list) {
      const active = (await silences.list(env)).filter((s) => Date.parse(s.endsAt) > now.getTime());
      out.write(
        active.length === 0
          ? `no silence in force in ${env}\n`
          : `${table([['id', 'probe', 'until', 'reason'], ...active.map((s) => [s.id, s.probeId ?? 'every probe', s.endsAt, s.reason])])}\n`,
      );
      return 0;
    }
    if (options.end !== undefined) {
      if (!(await silences.end(env, options.end, now))) {
        throw new UsageError(`--end ${options.end}: no such silence in ${env} (see --list)`);
      }
      out.write(`silence ${options.end} ended: pages about ${env} are sent again\n`);
      return 0;
    }
    const silence = await silences.add({
      environment: env,
      probeId: options.probe,
      reason: options.reason!.trim(),
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + forMs!).toISOString(),
    });
    out.write(
      `silence ${silence.id}: pages about ${env}/${describe(silence)} are held; probes keep measuring\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new RunsReadError(tableName, region, error);
  } finally {
    client.destroy();
  }
}
