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
  /** A suite maintenance window the notifier recorded when it held a page in it; absent: `perfprobe silence`. */
  readonly kind?: 'silence' | 'maintenance' | undefined;
  /** The pages it held, one line each ("<time> <subject>"), for the summary when it ends. */
  readonly held?: readonly string[] | undefined;
  /** When the tick sent the summary of what it held. */
  readonly summarizedAt?: string | undefined;
}

/** Held pages listed in a silence's summary at most (the count is always whole). */
export const HELD_LINES_MAX = 20;

/** The silence's line for a held page: when, and the page's subject. */
export function heldLine(atMs: number, subject: string): string {
  return `${new Date(atMs).toISOString().slice(0, 16).replace('T', ' ')} UTC ${subject}`;
}

/** The silences whose summary is due at `nowMs`: ended, held pages, not summarized yet. */
export function endedSilences(silences: readonly Silence[], nowMs: number): Silence[] {
  return silences.filter(
    (s) => Date.parse(s.endsAt) <= nowMs && (s.held?.length ?? 0) > 0 && s.summarizedAt === undefined,
  );
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
