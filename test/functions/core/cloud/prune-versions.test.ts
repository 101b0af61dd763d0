import { describe, expect, it } from 'vitest';
import { type PublishedVersion, pruneVersions } from '../../../../functions/core/cloud/prune-versions.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 8, 3, 0, 0);

const v = (version: string, lastModifiedMs: number): PublishedVersion => ({ version, lastModifiedMs });

/** Versions 1 and 2 long replaced, 3 current (published `currentAgo` before now), and $LATEST. */
const history = (currentAgo: number) => [
  v('$LATEST', NOW - currentAgo),
  v('1', NOW - 30 * DAY),
  v('2', NOW - 20 * DAY),
  v('3', NOW - currentAgo),
];

const decide = (versions: readonly PublishedVersion[], held: string[], keepMs = DAY) =>
  pruneVersions({ versions, held: new Set(held), nowMs: NOW, keepMs });

const deleted = (decisions: ReturnType<typeof pruneVersions>) =>
  decisions.filter((d) => d.delete).map((d) => d.version);

describe('which function versions prune deletes', () => {
  it('deletes the versions the current one replaced a day ago or more', () => {
    expect(deleted(decide(history(DAY), ['3']))).toEqual(['1', '2']);
  });

  it('keeps them while the current one was published less than a day ago (1 day − 1 ms)', () => {
    const decisions = decide(history(DAY - 1), ['3']);
    expect(deleted(decisions)).toEqual([]);
    expect(decisions.find((d) => d.version === '2')?.why).toBe(
      'replaced by version 3 23 hours ago, kept for 1 day',
    );
  });

  it('says what replaced a deleted version and when', () => {
    expect(decide(history(2 * DAY), ['3']).find((d) => d.version === '1')).toEqual({
      version: '1',
      delete: true,
      why: 'replaced by version 3 2 days ago',
    });
  });

  it('never deletes a version the stack holds, however old', () => {
    const decisions = decide(history(DAY), ['2', '3']);
    expect(deleted(decisions)).toEqual(['1']);
    expect(decisions.find((d) => d.version === '2')).toEqual({
      version: '2',
      delete: false,
      why: 'current: the stack holds it',
    });
  });

  it('deletes a version the stack no longer holds (the same history, one held version fewer)', () => {
    expect(deleted(decide(history(DAY), ['3']))).toContain('2');
  });

  it('never deletes $LATEST, and lists it first', () => {
    const decisions = decide(history(100 * DAY), ['3']);
    expect(decisions[0]).toEqual({ version: '$LATEST', delete: false, why: 'the function itself' });
    expect(deleted(decisions)).not.toContain('$LATEST');
  });

  it('honours a longer keep period on each side of it', () => {
    expect(deleted(decide(history(7 * DAY - 1), ['3'], 7 * DAY))).toEqual([]);
    expect(deleted(decide(history(7 * DAY), ['3'], 7 * DAY))).toEqual(['1', '2']);
  });

  it('dates a replacement by the held version, not by an orphan a rolled-back deploy left in between', () => {
    // 2 stayed current until 4 was deployed an hour ago; 3 came from a deploy that rolled back 20 days ago.
    const versions = [v('2', NOW - 40 * DAY), v('3', NOW - 20 * DAY), v('4', NOW - 3_600_000)];
    const decisions = decide(versions, ['4']);
    expect(deleted(decisions)).toEqual([]);
    expect(decisions.find((d) => d.version === '2')?.why).toBe(
      'replaced by version 4 1 hour ago, kept for 1 day',
    );
  });

  it('keeps a version newer than the current one (left by a rolled-back deploy)', () => {
    const decisions = decide([v('3', NOW - 30 * DAY), v('4', NOW - 20 * DAY)], ['3']);
    expect(decisions).toEqual([
      { version: '3', delete: false, why: 'current: the stack holds it' },
      {
        version: '4',
        delete: false,
        why: 'newer than the current version (a rolled-back deploy left it, or it was published outside the stack)',
      },
    ]);
  });

  it('keeps every version of a function the stack holds none of', () => {
    expect(deleted(decide(history(30 * DAY), []))).toEqual([]);
  });

  it('keeps older versions when the held version has no readable LastModified', () => {
    const decisions = decide([v('1', NOW - 30 * DAY), v('2', Number.NaN)], ['2']);
    expect(decisions[0]).toEqual({
      version: '1',
      delete: false,
      why: "version 2's LastModified could not be read",
    });
  });

  it('orders versions by number, not as text', () => {
    const versions = [v('10', NOW - 2 * DAY), v('9', NOW - 3 * DAY), v('11', NOW - DAY)];
    expect(decide(versions, ['11']).map((d) => d.version)).toEqual(['9', '10', '11']);
  });
});
