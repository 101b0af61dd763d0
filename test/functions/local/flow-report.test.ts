import { afterEach, describe, expect, it } from 'vitest';
import { formatRun, formatSuiteTable } from '../../../functions/local/report.ts';
import { runProbeLocally } from '../../../functions/local/run-probe.ts';
import { createStyle } from '../../../functions/local/style.ts';
import { flowFor, type PaymentApi, paymentApi } from '../../helpers/payment-api.ts';

const plain = createStyle({ isTTY: false });

let api: PaymentApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('the CLI summary of a flow', () => {
  it('counts iterations, and lists each step with its runs, errors, percentiles and polls', async () => {
    api = await paymentApi({ pendingPolls: 2 });
    const result = await runProbeLocally(
      flowFor(api.url, {
        load: { kind: 'latency', requests: 2, interval: 0 },
        sla: { steps: { settled: { errorRate: '1%' } } },
      }),
    );

    const text = formatRun(result, plain);

    expect(text).toMatch(/^flow \(latency flow, env test\) {2}2 iterations in /);
    const stepLines = text.split('\n').filter((line) => /^ {4}(login|create|settled) /.test(line));
    expect(stepLines.map((line) => line.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['login', '2', 'none'],
      ['create', '2', 'none'],
      ['settled', '2', 'none'],
    ]);
    expect(stepLines[2]?.trim().split(/\s+/).at(-1)).toBe('6');
    expect(text).toMatch(/steps\.settled\.errorRate \(critical\) +≤ 1\.00% +0\.00% +pass/);
    // The suite table says iterations too, not requests.
    expect(formatSuiteTable([result], plain)).toMatch(/^flow\s+latency\s+2 iterations\s/m);
  });
});
