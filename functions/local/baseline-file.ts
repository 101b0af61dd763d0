import { readFile } from 'node:fs/promises';
import { decodeHistogram } from '../core/histogram.ts';
import type { Baseline } from '../core/regression.ts';
import { UsageError } from './usage-error.ts';

/**
 * A saved baseline (`perfprobe baseline save`): per probe, its valid runs' histograms merged, with the window they
 * came from. Plain JSON, so it can be committed next to the suite and used as a CI gate (`run --baseline FILE`).
 */
export interface BaselineFile {
  readonly kind: 'perfprobe-baseline';
  readonly version: 1;
  readonly suite: string;
  readonly environment: string;
  readonly createdAt: string;
  readonly from: string;
  readonly to: string;
  readonly probes: Readonly<Record<string, { readonly runs: number; readonly histogram: string }>>;
}

/** True when `encoded` decodes as an HDR histogram: checked before the load, not found out after it. */
function decodes(encoded: unknown): boolean {
  if (typeof encoded !== 'string' || encoded.length === 0) return false;
  try {
    decodeHistogram(encoded);
    return true;
  } catch {
    return false;
  }
}

/** Reads and checks a baseline file for `environment`; every problem is a UsageError naming --baseline. */
export async function readBaselineFile(
  path: string,
  environment: string,
): Promise<ReadonlyMap<string, Baseline>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(
      `--baseline: expected "store" or a baseline file from perfprobe baseline save, got "${path}" (${reason})`,
      { cause: error },
    );
  }
  let value: Partial<BaselineFile>;
  try {
    value = JSON.parse(text) as Partial<BaselineFile>;
  } catch (error) {
    throw new UsageError(`--baseline ${path}: expected JSON, got ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (value?.kind !== 'perfprobe-baseline' || value.version !== 1 || typeof value.probes !== 'object') {
    throw new UsageError(
      `--baseline ${path}: expected a baseline file from perfprobe baseline save (kind "perfprobe-baseline", version 1), got something else`,
    );
  }
  if (value.environment !== environment) {
    throw new UsageError(
      `--baseline ${path}: expected a baseline of environment "${environment}", got one of "${value.environment}"`,
    );
  }
  const baselines = new Map<string, Baseline>();
  for (const [probeId, entry] of Object.entries(value.probes ?? {})) {
    const ok = entry && Number.isInteger(entry.runs) && entry.runs >= 0 && decodes(entry.histogram);
    if (!ok) {
      throw new UsageError(
        `--baseline ${path}: probes.${probeId}: expected { runs, histogram } as baseline save writes them`,
      );
    }
    baselines.set(probeId, { runs: entry.runs, histogram: entry.histogram, source: path });
  }
  return baselines;
}
