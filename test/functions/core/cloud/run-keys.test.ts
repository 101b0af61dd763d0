import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leasePartitionKey, runLease } from '../../../../functions/core/cloud/run-lease.ts';
import { runPartitionKey } from '../../../../functions/core/cloud/run-record.ts';
import { shardPartitionKey, shardSortKey } from '../../../../functions/core/cloud/shard-record.ts';

// The names the suite schema allows: environments and probe ids never contain '#'.
const environment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/);
const probeId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);

describe('runs-table keys', () => {
  it('never put a lease or a shard item in any probe run history partition', () => {
    fc.assert(
      fc.property(
        environment,
        probeId,
        environment,
        probeId,
        fc.uuid(),
        (env, probe, otherEnv, otherProbe, runId) => {
          const runs = runPartitionKey(otherEnv, otherProbe);
          expect(leasePartitionKey(env, probe)).not.toBe(runs);
          expect(shardPartitionKey(env, runId)).not.toBe(runs);
          // A probe id may look like a run id: the three-part key still tells them apart.
          expect(shardPartitionKey(env, runId)).not.toBe(runPartitionKey(env, runId));
        },
      ),
    );
  });

  it('sorts shard items in shard order up to the schema limit of 1,000', () => {
    const keys = Array.from({ length: 1_000 }, (_, i) => shardSortKey(i));
    expect([...keys].sort()).toEqual(keys);
  });

  it('keys a lease by the instant, whatever the ISO spelling', () => {
    const holder = { runId: 'r', executionId: 'e' };
    expect(runLease('prod', 'p', '2026-11-30T07:00:00+01:00', holder).sk).toBe(
      runLease('prod', 'p', '2026-11-30T06:00:00Z', holder).sk,
    );
  });
});
