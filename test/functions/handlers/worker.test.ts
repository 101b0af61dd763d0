import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShardStore, type ShardStore } from '../../../functions/adapters/dynamo-shard-store.ts';
import { clearSecretCache } from '../../../functions/adapters/secrets.ts';
import { deploySuite } from '../../../functions/core/cloud/deployed-suite.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { createWorkerHandler } from '../../../functions/handlers/worker.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';
import { makeMtlsCertificates } from '../../helpers/tls-certificates.ts';
import { mtlsServer, type TlsTarget } from '../../helpers/tls-servers.ts';
import { type LocalRunsTable, localRunsTable } from './runs-table.ts';

// No local SSM server exists: the exact requests are asserted.
const ssm = mockClient(SSMClient);
let target: Running;
/** The token the target currently accepts (a rotation changes it). */
let accepted = 'token-1';
let table: LocalRunsTable;
let shards: ShardStore;

beforeAll(async () => {
  target = await httpServer((req, res) => {
    if (req.url === '/private' && req.headers.authorization !== `Bearer ${accepted}`) {
      res.statusCode = 401;
      res.end();
      return;
    }
    setTimeout(() => res.end('ok'), 5);
  });
  table = await localRunsTable();
  shards = createShardStore(table.dynamo, table.tableName);
});
afterAll(async () => {
  await target.close();
  await table.close();
});
beforeEach(() => clearSecretCache());
afterEach(() => ssm.reset());

function suite(probe: Record<string, unknown>, variables: Record<string, unknown> = {}) {
  return deploySuite(
    validateSuite({
      name: 'bank',
      environments: { prod: { baseUrl: target.url, variables, caps: { maxDuration: '1m' } } },
      probes: [{ id: 'p', request: { url: '/' }, ...probe }],
    }),
    'prod',
  );
}

const task = (runId: string) => ({ runId, probeId: 'p', startAt: Date.now(), shard: 0, shards: 1 });
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

describe('worker handler', () => {
  it('stops the load before the Lambda deadline, writes what it measured (interrupted) and returns a pointer', async () => {
    const deployed = suite({
      request: { url: '/', timeout: '500ms' },
      load: { kind: 'burst', connections: 2, duration: '30s' },
    });
    const worker = createWorkerHandler(() => deployed, { shards: () => shards });
    const remainingAtStart = 4_000;
    const invokedAt = Date.now();
    const deadline = {
      getRemainingTimeInMillis: () => remainingAtStart - (Date.now() - invokedAt),
    } as Context;

    const pointer = await worker(task('r-deadline'), deadline);

    // The load was planned for 30 s; the deadline signal stopped it (at remaining − timeout − RETURN_MARGIN_MS)
    // and the worker wrote its result and returned while its Lambda was still alive.
    expect(Date.now() - invokedAt).toBeLessThan(remainingAtStart);
    expect(pointer).toEqual({ runId: 'r-deadline', shard: 0 });
    const [record] = await shards.readRun('prod', 'r-deadline');
    expect(record).toMatchObject({ pk: 'shards#prod#r-deadline', sk: 'shard#0000', shard: 0 });
    expect(record!.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(record!.result!.stoppedEarly).toBe('interrupted: stopped by signal');
    expect(record!.result!.requests.total).toBeGreaterThan(50);
    expect(record!.result!.requests.failed).toBe(0);
  });

  it('records why it failed in the table, in words without the secret, then fails the task', async () => {
    const deployed = suite(
      { request: { url: '/', headers: { authorization: 'Bearer ${token}' } } },
      { token: { secret: 'env:PERFPROBE_TEST_MISSING_TOKEN' } },
    );
    const worker = createWorkerHandler(() => deployed, { shards: () => shards, env: {} });

    await expect(worker(task('r-failed'), context)).rejects.toThrow(
      'variable ${token} (secret env:PERFPROBE_TEST_MISSING_TOKEN): environment variable PERFPROBE_TEST_MISSING_TOKEN is not set',
    );

    const [record] = await shards.readRun('prod', 'r-failed');
    expect(record).toMatchObject({
      shard: 0,
      failure: {
        error: 'SecretResolutionError',
        message:
          'variable ${token} (secret env:PERFPROBE_TEST_MISSING_TOKEN): environment variable PERFPROBE_TEST_MISSING_TOKEN is not set',
      },
    });
    expect(record!.result).toBeUndefined();
  });

  it('fails the shard when it cannot write its result: a result nobody can read was not measured', async () => {
    const deployed = suite({ load: { kind: 'latency', requests: 2, interval: '5ms' } });
    const worker = createWorkerHandler(() => deployed, {
      shards: () => createShardStore(table.dynamo, 'no-such-table'),
    });

    await expect(worker(task('r-unwritten'), context)).rejects.toThrow('Requested resource not found');
  });

  it('re-reads the secret when the target refuses it (401): a rotation makes that run invalid, not a breach, and the next run heals', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'token-1' } })
      .resolves({ Parameter: { Value: 'token-2' } });
    const deployed = suite(
      {
        request: { url: '/private', headers: { authorization: 'Bearer ${token}' } },
        load: { kind: 'latency', requests: 2, interval: '5ms' },
      },
      { token: { secret: 'ssm:/bank/prod/token' } },
    );
    const worker = createWorkerHandler(() => deployed, { shards: () => shards });
    await worker(task('r-before'), context);
    // The secret is rotated: the cached token-1 is now refused.
    accepted = 'token-2';

    await worker(task('r-refused'), context);
    await worker(task('r-healed'), context);

    const statuses = async (runId: string) => (await shards.readRun('prod', runId))[0]!.result!.statusCodes;
    expect(await statuses('r-before')).toEqual({ '200': 2 });
    expect(await statuses('r-refused')).toEqual({ '401': 2 });
    expect(await statuses('r-healed')).toEqual({ '200': 2 });
    const refusedRun = (await shards.readRun('prod', 'r-refused'))[0]!.result!;
    expect(refusedRun.staleSecrets).toBe(
      'the target refused the credentials (401/403) and ${token} changed since this worker cached it (rotated): measured with a stale secret; the next run sends the new value',
    );
    expect((await shards.readRun('prod', 'r-healed'))[0]!.result!.staleSecrets).toBeUndefined();
    // Read once at first, then once more only because of the 401s (not five minutes later).
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/bank/prod/token', WithDecryption: true },
      { Name: '/bank/prod/token', WithDecryption: true },
    ]);
  });

  it('keeps a refusal of the current secret a refusal: the re-read finds the same value, so the run stands', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'token-wrong' } });
    const deployed = suite(
      {
        request: { url: '/private', headers: { authorization: 'Bearer ${token}' } },
        load: { kind: 'latency', requests: 2, interval: '5ms' },
      },
      { token: { secret: 'ssm:/bank/prod/token' } },
    );
    const worker = createWorkerHandler(() => deployed, { shards: () => shards });

    await worker(task('r-wrong'), context);

    const [record] = await shards.readRun('prod', 'r-wrong');
    expect(record!.result!.statusCodes).toEqual({ '401': 2 });
    expect(record!.result!.staleSecrets).toBeUndefined();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('resolves only the secrets its request uses: an unreadable secret of another probe does not fail it', async () => {
    ssm.on(GetParameterCommand).rejects(new Error('AccessDeniedException'));
    const deployed = suite(
      { load: { kind: 'latency', requests: 1, interval: '5ms' } },
      { unused: { secret: 'ssm:/bank/prod/other-probes-token' } },
    );
    const worker = createWorkerHandler(() => deployed, { shards: () => shards });

    await worker(task('r-unused'), context);

    expect((await shards.readRun('prod', 'r-unused'))[0]!.result!.requests.ok).toBe(1);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it("records a shard its task lost with the error and Lambda's message (no trace), keeping a note the worker wrote itself", async () => {
    const deployed = suite({ load: { kind: 'latency', requests: 1, interval: '5ms' } });
    const worker = createWorkerHandler(() => deployed, { shards: () => shards });
    const cause = JSON.stringify({
      errorType: 'Runtime.OutOfMemory',
      errorMessage: 'Runtime exited with error: signal: killed',
      trace: ['at handler (file:///var/task/index.mjs:1:1)'],
    });

    await worker({ ...task('r-lost'), failure: { Error: 'Runtime.OutOfMemory', Cause: cause } }, context);
    await worker({ ...task('r-timeout'), failure: { Error: 'States.Timeout' } }, context);
    await expect(
      worker(task('r-own'), { getRemainingTimeInMillis: () => 60_000 } as Context),
    ).resolves.toEqual({
      runId: 'r-own',
      shard: 0,
    });
    await worker({ ...task('r-own'), failure: { Error: 'States.Timeout', Cause: 'late' } }, context);

    const note = async (runId: string) => (await shards.readRun('prod', runId))[0];
    expect((await note('r-lost'))!.failure).toEqual({
      error: 'Runtime.OutOfMemory',
      message: 'Runtime exited with error: signal: killed',
    });
    expect((await note('r-timeout'))!.failure).toEqual({
      error: 'States.Timeout',
      message: 'no cause given',
    });
    // The shard had written its result: a late loss notice does not overwrite it.
    expect((await note('r-own'))!.result!.requests.total).toBe(1);
    expect((await note('r-own'))!.failure).toBeUndefined();
  });
});

describe('worker handler with a client certificate', () => {
  const secrets = mockClient(SecretsManagerClient);
  const certs = makeMtlsCertificates();
  let mtls: TlsTarget;
  beforeAll(async () => {
    mtls = await mtlsServer(certs);
  });
  afterAll(async () => {
    await mtls.close();
    certs.remove();
  });
  afterEach(() => secrets.reset());

  it('reads tls.cert and tls.key from Secrets Manager, presents them to a server that requires one, and stores no key', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'bank/prod/mtls' }).resolves({
      SecretString: JSON.stringify({ cert: certs.client.cert.toString(), key: certs.client.key.toString() }),
    });
    ssm
      .on(GetParameterCommand, { Name: '/bank/prod/ca' })
      .resolves({ Parameter: { Value: certs.ca.toString() } });
    const deployed = deploySuite(
      validateSuite({
        name: 'bank',
        environments: {
          prod: {
            baseUrl: mtls.url,
            caps: { maxDuration: '1m' },
            transport: {
              tls: {
                ca: 'ssm:/bank/prod/ca',
                cert: 'secretsmanager:bank/prod/mtls#cert',
                key: 'secretsmanager:bank/prod/mtls#key',
              },
            },
          },
        },
        probes: [{ id: 'p', request: { url: '/' }, load: { kind: 'latency', requests: 2, interval: '5ms' } }],
      }),
      'prod',
    );
    const worker = createWorkerHandler(() => deployed, { shards: () => shards });

    await worker(task('r-mtls'), context);

    const [item] = await shards.readRun('prod', 'r-mtls');
    expect(item!.result!.requests).toEqual({ total: 2, ok: 2, failed: 0 });
    expect(mtls.clients).toEqual(['probe client', 'probe client']);
    // Only references travel in the deployed suite and the stored item; the values stay in the worker.
    expect(JSON.stringify(deployed)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(item)).not.toContain('PRIVATE KEY');
    // Read once each, however many connections the run opened.
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'bank/prod/mtls' },
    ]);
  });
});
