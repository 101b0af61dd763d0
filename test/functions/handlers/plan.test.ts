import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLeaseStore } from '../../../functions/adapters/dynamo-run-lease.ts';
import { deploySuite } from '../../../functions/core/cloud/deployed-suite.ts';
import type { PlannedRun } from '../../../functions/core/cloud/run-messages.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { logger } from '../../../functions/handlers/logger.ts';
import { createPlanHandler } from '../../../functions/handlers/plan.ts';
import { deploySuiteInput } from '../../helpers/stacks.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

const deployed = deploySuite(validateSuite(deploySuiteInput()), 'prod');
let table: LocalRunsTable;
beforeAll(async () => {
  table = await localRunsTable();
});
afterAll(() => table?.close());

function plan() {
  const handler = createPlanHandler(() => deployed, {
    leadMs: () => 0,
    leases: () => createLeaseStore(table.dynamo, table.tableName),
  });
  // The load machine's Plan: a probe's run, never a batch of checks.
  return (event: unknown, context: Context) => handler(event as never, context) as Promise<PlannedRun>;
}

/** Plan's event as the state machine builds it: the probe id and the execution's context object. */
const scheduled = (scheduledTime: string, executionId: string) => ({
  probeId: 'accounts',
  execution: { Id: executionId, Input: { probeId: 'accounts', scheduledTime } },
});

describe('plan handler: one run per schedule tick', () => {
  it('plans the first execution of a tick and gives a second one a duplicate plan without tasks', async () => {
    const first = await plan()(scheduled('2026-11-30T06:00:00Z', 'exec-1'), {} as Context);
    const second = await plan()(scheduled('2026-11-30T06:00:00.000Z', 'exec-2'), {} as Context);

    expect(first).toMatchObject({ probeId: 'accounts', shards: 6, tasks: [0, 1, 2, 3, 4, 5] });
    expect(first.duplicate).toBeUndefined();
    expect(second).toMatchObject({ probeId: 'accounts', shards: 0, tasks: [], duplicate: true });
    // The lease: under its own partition (never in a probe's run history), expiring through the table's TTL.
    const lease = await table.dynamo.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: { pk: { S: 'lease#prod#accounts' }, sk: { S: '2026-11-30T06:00:00.000Z' } },
        ConsistentRead: true,
      }),
    );
    expect(lease.Item).toEqual({
      pk: { S: 'lease#prod#accounts' },
      sk: { S: '2026-11-30T06:00:00.000Z' },
      expiresAt: { N: String(Date.parse('2026-11-30T06:00:00Z') / 1000 + 86_400) },
      runId: { S: first.runId },
      executionId: { S: 'exec-1' },
    });
  });

  it('lets a Plan retried within the same execution keep its tick', async () => {
    const first = await plan()(scheduled('2026-11-30T06:05:00Z', 'exec-3'), {} as Context);
    const retried = await plan()(scheduled('2026-11-30T06:05:00Z', 'exec-3'), {} as Context);

    expect(first.tasks).toHaveLength(6);
    expect(retried.tasks).toHaveLength(6);
    expect(retried.duplicate).toBeUndefined();
  });

  it('plans every manual start (no scheduledTime), takes no lease and says so', async () => {
    const info = vi.spyOn(logger, 'info');
    const manual = { probeId: 'accounts', execution: { Id: 'exec-4', Input: { probeId: 'accounts' } } };

    const first = await plan()(manual, {} as Context);
    const second = await plan()(
      { ...manual, execution: { ...manual.execution, Id: 'exec-5' } },
      {} as Context,
    );

    expect([first.tasks.length, second.tasks.length]).toEqual([6, 6]);
    expect(info).toHaveBeenCalledWith(
      'no scheduledTime (a manual start): no lease taken, so a duplicate would not be detected',
    );
    info.mockRestore();
  });

  it('sends no load when the lease cannot be taken (table unreachable): the execution fails instead', async () => {
    const broken = createPlanHandler(() => deployed, {
      leases: () => createLeaseStore(table.dynamo, 'no-such-table'),
    });

    await expect(broken(scheduled('2026-11-30T06:10:00Z', 'exec-6'), {} as Context)).rejects.toThrow(
      'Requested resource not found',
    );
  });

  it('refuses a scheduled time that is not a time, naming it', async () => {
    await expect(plan()(scheduled('yesterday', 'exec-7'), {} as Context)).rejects.toThrow(
      `scheduledTime "yesterday" is not an ISO 8601 time (expected Scheduler's scheduled-time)`,
    );
  });
});

describe('plan handler: a staggered probe in one of three locations', () => {
  const located = deploySuite(
    validateSuite({
      name: 'bank',
      environments: {
        prod: { baseUrl: 'https://api.example.com', locations: ['eu-west-1', 'eu-central-1', 'us-east-1'] },
      },
      probes: [
        { id: 'spread', request: { url: '/a' }, schedule: 'rate(3 minutes)', stagger: true },
        { id: 'together', request: { url: '/b' }, schedule: 'rate(3 minutes)' },
      ],
    }),
    'prod',
  );
  const tick = '2026-12-08T03:00:00.000Z';
  const planAt = (probeId: string, location: string) =>
    createPlanHandler(() => located, {
      now: () => Date.parse(tick) + 300,
      leadMs: () => 1_000,
      location,
      leases: () => createLeaseStore(table.dynamo, table.tableName),
    })(
      {
        probeId,
        execution: { Id: `${location}-${probeId}`, Input: { probeId, scheduledTime: tick } },
      } as never,
      {} as Context,
    ) as Promise<PlannedRun>;

  it('starts the third location two thirds of the interval after the tick', async () => {
    const run = await planAt('spread', 'us-east-1');

    expect(new Date(run.startAt).toISOString()).toBe('2026-12-08T03:02:00.000Z');
  });

  it('starts a probe without stagger at the plan time plus the lead, in every location', async () => {
    const run = await planAt('together', 'eu-central-1');

    expect(new Date(run.startAt).toISOString()).toBe('2026-12-08T03:00:01.300Z');
  });
});
