/** One published version of a function, as Lambda lists it. */
export interface PublishedVersion {
  /** "$LATEST" or the version number ("1", "2", …). */
  readonly version: string;
  /** Its LastModified in epoch milliseconds (NaN when Lambda's text could not be read). */
  readonly lastModifiedMs: number;
}

export interface VersionDecision {
  readonly version: string;
  readonly delete: boolean;
  /** Why it is kept or deleted, for the operator. */
  readonly why: string;
}

export interface PruneInput {
  readonly versions: readonly PublishedVersion[];
  /** The version numbers the deployed stack still holds (its AWS::Lambda::Version resources). */
  readonly held: ReadonlySet<string>;
  readonly nowMs: number;
  /** How long a replaced version stays: longer than any execution that started before the deploy can run. */
  readonly keepMs: number;
}

export const DAY_MS = 86_400_000;

/**
 * Which versions of one function to delete. Never $LATEST, never a version the stack still holds, never one
 * replaced less than `keepMs` ago.
 *
 * A version stopped being current no later than when the stack's held version that follows it was published
 * (its LastModified): that version, not merely the next number, is what replaced it. The next number can be an
 * orphan of a failed deploy (the rollback retains it) while the older version stayed current until a later
 * deploy, so dating the replacement by the next number could delete a version runs still call. A version newer
 * than every held one (such an orphan, or one published outside the stack) has not been replaced: it is kept.
 */
export function pruneVersions({ versions, held, nowMs, keepMs }: PruneInput): VersionDecision[] {
  const numbered = versions
    .filter((v) => v.version !== '$LATEST')
    .sort((a, b) => Number(a.version) - Number(b.version));
  const heldVersions = numbered.filter((v) => held.has(v.version));
  const latest = versions.some((v) => v.version === '$LATEST')
    ? [{ version: '$LATEST', delete: false, why: 'the function itself' }]
    : [];
  return [
    ...latest,
    ...numbered.map((v): VersionDecision => {
      const keep = (why: string) => ({ version: v.version, delete: false, why });
      if (held.has(v.version)) return keep('current: the stack holds it');
      const replacer = heldVersions.find((h) => Number(h.version) > Number(v.version));
      if (replacer === undefined) {
        return keep(
          heldVersions.length === 0
            ? 'the stack holds no version of this function, so nothing says when this one stopped being current'
            : 'newer than the current version (a rolled-back deploy left it, or it was published outside the stack)',
        );
      }
      if (!Number.isFinite(replacer.lastModifiedMs)) {
        return keep(`version ${replacer.version}'s LastModified could not be read`);
      }
      const ago = nowMs - replacer.lastModifiedMs;
      const by = `replaced by version ${replacer.version} ${days(ago)} ago`;
      return ago < keepMs
        ? keep(`${by}, kept for ${days(keepMs)}`)
        : { version: v.version, delete: true, why: by };
    }),
  ];
}

/** "1 day", "2.5 days", "3 hours": how long, in the unit the keep period is given in. */
function days(ms: number): string {
  if (ms < DAY_MS) {
    const hours = Math.floor(ms / 3_600_000);
    return hours === 1
      ? '1 hour'
      : hours >= 1
        ? `${hours} hours`
        : `${Math.max(0, Math.floor(ms / 60_000))} min`;
  }
  const d = +(ms / DAY_MS).toFixed(1);
  return d === 1 ? '1 day' : `${d} days`;
}
