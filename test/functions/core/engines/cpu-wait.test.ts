import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { watchCpuWait } from '../../../../functions/core/engines/cpu-wait.ts';
import { repoRoot } from '../../../helpers/cli-process.ts';

describe('watchCpuWait', () => {
  it("reads the thread's wait for a CPU from schedstat's second field, in ms, as a difference", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'schedstat-')), 'schedstat');
    writeFileSync(file, '5000000 2000000 7\n');
    const watch = watchCpuWait(file);
    writeFileSync(file, '9000000 5512345 11\n');
    expect(watch.stop()).toBe(3.51);
  });

  it('says nothing where the kernel keeps no such file (macOS)', () => {
    expect(watchCpuWait(join(tmpdir(), 'no-such-schedstat')).stop()).toBeUndefined();
  });

  it('sees a thread spinning on the same core, which no event-loop delay sample shows', async () => {
    const core = String(availableParallelism() - 1);
    const { stdout } = await promisify(execFile)(
      'taskset',
      ['-c', core, process.execPath, 'bin/run-ts.js', 'test/helpers/cpu-contention.ts'],
      { cwd: repoRoot },
    );
    const { alone, contended } = JSON.parse(stdout) as { alone: number; contended: number };
    // 300 ms of work in 1 ms turns: alone about 10 ms of waiting here, beside a spinner 78–89 ms.
    expect(contended).toBeGreaterThan(30);
    expect(contended).toBeGreaterThan(alone);
  });
});
