import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchStealTime } from '../../../../functions/core/engines/steal-time.ts';

const statFile = () => join(mkdtempSync(join(tmpdir(), 'proc-stat-')), 'stat');
const cpuLine = (steal: number) =>
  `cpu  1795076 409 475173 444165 1292 0 3444 ${steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\n`;

describe('watchStealTime', () => {
  it("reads the machine's steal from /proc/stat's cpu line (8th value), in 10 ms ticks, as a difference", () => {
    const file = statFile();
    writeFileSync(file, cpuLine(120));
    const watch = watchStealTime(file);
    writeFileSync(file, cpuLine(127));
    expect(watch.stop()).toBe(70);
  });

  it('says 0 when no tick of steal passed', () => {
    const file = statFile();
    writeFileSync(file, cpuLine(5));
    const watch = watchStealTime(file);
    expect(watch.stop()).toBe(0);
  });

  it('says nothing where the file is missing (macOS) or has no cpu line', () => {
    expect(watchStealTime(join(tmpdir(), 'no-such-proc-stat')).stop()).toBeUndefined();
    const file = statFile();
    writeFileSync(file, 'intr 1\n');
    expect(watchStealTime(file).stop()).toBeUndefined();
  });

  it('reads the real /proc/stat on Linux', () => {
    if (process.platform !== 'linux') return;
    expect(watchStealTime().stop()).toBeGreaterThanOrEqual(0);
  });
});
