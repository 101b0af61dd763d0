import { formatMs, parseDurationMs } from '../core/durations.ts';

/**
 * Problems with command-line values, collected so one run of the command names all of them. Each reads
 * "<flag>: expected …, got …".
 */
export class FlagProblems {
  readonly messages: string[] = [];

  add(flag: string, expected: string, got: string | undefined): undefined {
    this.messages.push(`${flag}: expected ${expected}, got ${got === undefined ? 'nothing' : `"${got}"`}`);
    return undefined;
  }
}

/** "1h", "2m", "500ms": a limit as a person writes it (formatMs alone says "60m"). */
export function formatLimit(ms: number): string {
  return ms >= 3_600_000 && ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : formatMs(ms);
}

const PLAIN_NUMBER = /^\d+(\.\d+)?$/;

/**
 * A duration flag: a plain number is seconds (as in autocannon and curl), "500ms", "2m" carry their unit.
 * Must be above 0 and at most `maxMs`. Returns milliseconds.
 */
export function durationFlag(
  problems: FlagProblems,
  flag: string,
  value: string | undefined,
  maxMs: number,
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const ms = PLAIN_NUMBER.test(trimmed) ? Number(trimmed) * 1000 : parseDurationMs(trimmed);
  if (ms === undefined || !(ms > 0) || ms > maxMs) {
    return problems.add(
      flag,
      `seconds (like 10) or a duration like "500ms", above 0 and at most ${formatLimit(maxMs)}`,
      value,
    );
  }
  return ms;
}

/** A numeric flag; the suite schema then checks its range with the same words as for a suite file. */
export function numberFlag(
  problems: FlagProblems,
  flag: string,
  value: string | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) return problems.add(flag, 'a number', value);
  return n;
}

/** A number within bounds, for flags no schema checks (demo-api's). */
export function boundedFlag(
  problems: FlagProblems,
  flag: string,
  value: string | undefined,
  bounds: { readonly min: number; readonly max: number; readonly integer?: boolean; readonly what: string },
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(n) &&
    n >= bounds.min &&
    n <= bounds.max &&
    (!bounds.integer || Number.isInteger(n));
  return ok ? n : problems.add(flag, `${bounds.what} from ${bounds.min} to ${bounds.max}`, value);
}

const SLA_FLAG = /^([^=\s]+)=(\S.*)$/;

/**
 * `--sla p99=250ms --sla errorRate=1%` → `{ p99: '250ms', errorRate: '1%' }`, for the suite schema to check like any
 * suite's SLA. A plain number becomes a number: milliseconds for latency keys, a fraction for errorRate,
 * requests per second for minThroughput, as in a suite file.
 */
export function slaFlags(
  problems: FlagProblems,
  values: readonly string[] | undefined,
): Record<string, string | number> | undefined {
  if (!values?.length) return undefined;
  const sla: Record<string, string | number> = {};
  for (const raw of values) {
    const match = SLA_FLAG.exec(raw.trim());
    if (!match) {
      problems.add('--sla', 'KEY=VALUE like p99=250ms, errorRate=1% or minThroughput=90', raw);
      continue;
    }
    const [, key, value] = match as unknown as [string, string, string];
    if (key in sla) {
      problems.add(`--sla ${key}`, 'each SLA once', `${key}=${sla[key]} and ${raw}`);
      continue;
    }
    sla[key] = PLAIN_NUMBER.test(value.trim()) ? Number(value) : value.trim();
  }
  return sla;
}
