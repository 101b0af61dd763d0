/**
 * A silence: pages about an environment's probes (or one probe) are held until it ends; the probes keep
 * measuring and storing. Every silence ends: its length is bounded (SILENCE_MAX_MS), and DynamoDB's TTL removes
 * it a week after.
 */
export interface Silence {
  /** Time-sortable: `<startsAt ISO>#<4 hex>`. */
  readonly id: string;
  readonly environment: string;
  /** Undefined: every probe of the environment. */
  readonly probeId?: string | undefined;
  readonly reason: string;
  readonly startsAt: string;
  readonly endsAt: string;
}

/** A week: a silence is for an incident or a maintenance, not a way to switch paging off. */
export const SILENCE_MAX_MS = 7 * 86_400_000;

/** Silences live in one partition per environment: "." cannot occur in a probe id, so no run partition is it. */
export function silencePartitionKey(environment: string): string {
  return `${environment}#.silences`;
}

/** The silence that holds a page about `probeId` at `atMs`, if any (the one ending last). */
export function activeSilence(
  silences: readonly Silence[],
  probeId: string | undefined,
  atMs: number,
): Silence | undefined {
  return silences
    .filter(
      (s) =>
        Date.parse(s.startsAt) <= atMs &&
        atMs < Date.parse(s.endsAt) &&
        (s.probeId === undefined || s.probeId === probeId),
    )
    .sort((a, b) => b.endsAt.localeCompare(a.endsAt))[0];
}
