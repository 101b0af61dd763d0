import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../functions/core/run-result.ts';
import { perfprobe, repoRoot } from '../../helpers/cli-process.ts';
import { type PaymentApi, paymentApi, paymentFlowSteps } from '../../helpers/payment-api.ts';

// The check, through the real CLI: a flow's slowest trace ids in --json and the HTML report are ids the
// target saw in its traceparent headers.
const work = join(repoRoot, '.perfprobe', `cli-traceparent-test-${process.pid}`);
const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/;
let api: PaymentApi;
beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  api = await paymentApi({ pendingPolls: 1 });
});
afterAll(async () => {
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('perfprobe run of a flow', () => {
  it('names the slowest requests by the trace ids the target saw: --json, the HTML report, the summary', async () => {
    const suite = join(work, 'flow.ts');
    const probe = {
      id: 'pay',
      steps: paymentFlowSteps(),
      load: { kind: 'latency', requests: 3, interval: 0 },
    };
    writeFileSync(
      suite,
      `import { defineSuite } from 'perfprobe';\n\nexport default defineSuite(${JSON.stringify({
        name: 'traces',
        environments: { local: { baseUrl: api.url } },
        probes: [probe],
      })});\n`,
    );
    const json = join(work, 'out.json');
    const html = join(work, 'report.html');

    const { code, stdout } = await perfprobe(['run', suite, '--json', json, '--html', html, '--no-store'], {
      HTTPS_PROXY: '',
      HTTP_PROXY: '',
    });

    expect(code).toBe(0);
    const seen = api.seen().map((line) => {
      const header = JSON.parse(/^\S+ \S+ (\{.*?\}) /.exec(line)![1]!).traceparent as string;
      return TRACEPARENT.exec(header)![1]!;
    });
    // 3 iterations of login, create and 2 polls.
    expect(seen).toHaveLength(12);
    const [result] = JSON.parse(readFileSync(json, 'utf8')) as RunResult[];
    const slowest = result?.traces?.slowest ?? [];
    expect(slowest).toHaveLength(5);
    const page = readFileSync(html, 'utf8');
    for (const trace of slowest) {
      expect(seen).toContain(trace.traceId);
      expect(page).toContain(`<code>${trace.traceId}</code>`);
    }
    expect(stdout).toContain(`  trace ids  slowest: ${slowest[0]!.traceId} (`);
  });
});
