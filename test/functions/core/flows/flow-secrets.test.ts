import { afterEach, describe, expect, it } from 'vitest';
import { FlowRecorder } from '../../../../functions/core/flows/flow-recorder.ts';
import { FlowRunner } from '../../../../functions/core/flows/flow-runner.ts';
import { prepareFlow } from '../../../../functions/core/flows/prepare-flow.ts';
import { ShardRecorder } from '../../../../functions/core/shard-recorder.ts';
import type { Exchange, Lane, PreparedRequest } from '../../../../functions/core/transport.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { flowFor, type PaymentApi, paymentApi, paymentFlowSteps } from '../../../helpers/payment-api.ts';

const TOKEN = 'tok-Distinctive-9f3a7c';

let api: PaymentApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const exchange = (over: Partial<Exchange>): Exchange => ({
  status: 200,
  errorClass: undefined,
  errorMessage: undefined,
  headers: {},
  body: '',
  bodyTruncated: false,
  bytes: 10,
  startedMs: performance.now(),
  endedMs: performance.now(),
  phases: { dnsMs: -1, connectMs: -1, tlsMs: -1, ttfbMs: 1, downloadMs: 0 },
  staleRetried: false,
  ...over,
});

/** A lane that answers each request with the next scripted exchange, on a microtask as the transport does. */
function scriptedLane(
  script: ((request: PreparedRequest) => Exchange)[],
): Lane & { sent: PreparedRequest[] } {
  const sent: PreparedRequest[] = [];
  return {
    sent,
    send(request, onDone) {
      sent.push(request);
      const answer = script.shift()!(request);
      queueMicrotask(() => onDone(answer));
    },
    unreachable: () => undefined,
  };
}

describe('secret captures', () => {
  it("are redacted from the iteration's messages, wherever a message would quote them", async () => {
    const probe = flowFor('http://127.0.0.1:9', {});
    const flow = prepareFlow(probe, {});
    const recorder = new ShardRecorder(0);
    const runner = new FlowRunner(
      flow,
      recorder,
      new FlowRecorder(flow.steps.map((s) => ({ name: s.name, polling: false }))),
      1_024,
    );
    const base = scriptedLane([
      () => exchange({ body: JSON.stringify({ token: TOKEN }) }),
      // A transport that echoed the request (ours never does): the captured secret would be in its words.
      (request) =>
        exchange({
          status: 0,
          errorClass: 'protocol',
          errorMessage: `protocol: bad ${request.headers.authorization}`,
        }),
    ]);

    const done = await new Promise<Exchange>((resolve) =>
      runner.lane(base).send({} as PreparedRequest, resolve),
    );

    expect(base.sent[1]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(done.errorClass).toBe('protocol');
    expect(done.errorMessage).toBe('step "create": protocol: bad Bearer ***');
  });

  it('never reach a result, whatever fails after the capture', async () => {
    api = await paymentApi({ token: () => TOKEN, pendingPolls: 1_000 });
    const steps = paymentFlowSteps();
    steps[2] = {
      name: 'settled',
      request: { url: '/payments/${paymentId}?t=${token}', headers: { authorization: 'Bearer ${token}' } },
      until: { json: { '$.status': 'settled' }, every: '20ms', timeout: '100ms' },
    };
    steps.push({ name: 'never', request: { url: '/x/${token}' } });

    const result = await runProbeLocally(flowFor(api.url, { steps, load: { kind: 'latency', requests: 2 } }));

    expect(result.errors).toEqual({ timeout_until: 2 });
    expect(api.seen().some((line) => line.includes(TOKEN))).toBe(true);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(result).toLowerCase()).not.toContain(TOKEN.toLowerCase());
  });
});
