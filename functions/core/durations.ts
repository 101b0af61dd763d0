// Days too: the alert.interval of a daily cron() and a silence read naturally as "1d".
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** Parses "250ms", "2s", "1.5m", "1h", "1d" into milliseconds; a plain number is already milliseconds. */
export function parseDurationMs(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as string]!;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1_000, kib: 1_024, mb: 1_000_000, mib: 1_048_576 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)$/i;

/** Parses "512KiB", "1MiB", "200kb" into bytes; a plain number is already bytes. */
export function parseBytes(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = SIZE.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * SIZE_UNITS[(match[2] as string).toLowerCase()]!);
}

export function formatMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1_000) return `${+(ms / 1_000).toFixed(3)}s`;
  return `${+ms.toFixed(3)}ms`;
}
