import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HARD_LIMITS } from '../../../functions/core/suite/limits.ts';
import { parseCommandLine } from '../../../functions/local/command-line.ts';
import { demoApiOptions } from '../../../functions/local/commands/demo-api-command.ts';
import { adHocProbe, type ProbeCommandOptions } from '../../../functions/local/commands/probe-command.ts';
import { assertWritable } from '../../../functions/local/json-output.ts';

const url = 'http://127.0.0.1:8080/health';
const refusal = (options: Partial<ProbeCommandOptions>) => {
  try {
    adHocProbe({ url, ...options });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the flags to be refused');
};

describe('perfprobe probe flags', () => {
  it.each([
    [
      { timeout: '0' },
      '--timeout: expected seconds (like 10) or a duration like "500ms", above 0 and at most 2m, got "0"',
    ],
    [
      { timeout: '600' },
      '--timeout: expected seconds (like 10) or a duration like "500ms", above 0 and at most 2m, got "600"',
    ],
    [
      { duration: '0' },
      '--duration: expected seconds (like 10) or a duration like "500ms", above 0 and at most 1h, got "0"',
    ],
    [
      { duration: '-1' },
      '--duration: expected seconds (like 10) or a duration like "500ms", above 0 and at most 1h, got "-1"',
    ],
    [
      { duration: 'soon' },
      '--duration: expected seconds (like 10) or a duration like "500ms", above 0 and at most 1h, got "soon"',
    ],
    [
      { requests: '5', duration: '1' },
      '--requests: expected either --requests or --duration (a burst stops after N requests or after a duration), got "--requests 5 and --duration 1"',
    ],
    [
      { requests: '5', rate: '10' },
      '--requests: expected no --requests with --rate (an open model runs for --duration), got "5"',
    ],
    [{ connections: 'NaN' }, '--connections: expected a number, got "NaN"'],
    [
      { connections: '-5' },
      '--connections: expected a whole number of connections between 1 and 5000, got -5',
    ],
    [{ requests: '0' }, '--requests: expected a whole number of requests between 1 and 10000000, got 0'],
    [
      { rate: '100000' },
      '--rate: expected a positive number of requests per second, at most 50000, got 100000',
    ],
    [
      { url: 'ftp://example.com/' },
      '<url>: expected an absolute http(s) URL like http://127.0.0.1:8080/health, got "ftp://example.com/"',
    ],
    [{ headers: ['no colon'] }, '--header: expected "name: value", got "no colon"'],
    [
      { sla: ['p99'] },
      '--sla: expected KEY=VALUE like p99=250ms, errorRate=1% or minThroughput=90, got "p99"',
    ],
    [{ sla: ['p99=fast'] }, '--sla p99: expected milliseconds as a number, got "fast"'],
    [
      { sla: ['errorRate=150%'] },
      '--sla errorRate: expected a fraction between 0 and 1 or a percentage like "1%", got "150%"',
    ],
    [
      { sla: ['p42x=1'] },
      '--sla p42x: unknown SLA (expected p50 … p99.9, max, mean, errorRate, minThroughput, certDaysLeft, regression or steps)',
    ],
    [{ sla: ['p99=1s', 'p99=2s'] }, '--sla p99: expected each SLA once, got "p99=1s and p99=2s"'],
  ])('refuses %j naming the flag, what was expected and what was found', (flags, message) => {
    expect(refusal(flags).split('\n')).toContain(message);
  });

  it('names every wrong flag of one command line at once', () => {
    const lines = refusal({ timeout: '0', connections: '0', sla: ['p99=fast'] }).split('\n');

    expect(lines.map((l) => l.split(':')[0])).toEqual(['--timeout', '--connections', '--sla p99']);
  });

  it('keeps the limits in one place: the hard limits themselves are accepted', () => {
    const probe = adHocProbe({ url, timeout: `${HARD_LIMITS.timeoutMs / 1000}`, duration: '1h' });

    expect(probe.request.timeoutMs).toBe(HARD_LIMITS.timeoutMs);
    expect(probe.load).toMatchObject({ kind: 'burst', durationMs: HARD_LIMITS.durationMs });
  });

  it('turns repeated --sla flags into the probe SLA, validated like a suite', () => {
    const probe = adHocProbe({
      url,
      sla: ['p99=250ms', 'p99.9=1s', 'max=2000', 'mean=0.1s', 'errorRate=1%', 'minThroughput=90'],
    });

    expect(probe.sla).toEqual({
      p99: { critical: 250 },
      'p99.9': { critical: 1000 },
      max: { critical: 2000 },
      mean: { critical: 100 },
      errorRate: { critical: 0.01 },
      minThroughput: { critical: 90 },
    });
  });

  it('lets a --rate pool grow to 50, or to the pool its rate opens, and holds it to --connections when given', () => {
    expect(adHocProbe({ url, rate: '100' }).load).toMatchObject({ connections: 10, maxConnections: 50 });
    expect(adHocProbe({ url, rate: '2000' }).load).toMatchObject({ connections: 200, maxConnections: 200 });
    expect(adHocProbe({ url, rate: '100', connections: '5' }).load).toMatchObject({
      connections: 5,
      maxConnections: 5,
    });
  });

  it('runs a burst of N requests with -n, and for a duration with -d, never ignoring either', () => {
    expect(adHocProbe({ url, requests: '7' }).load).toMatchObject({
      kind: 'burst',
      requests: 7,
      durationMs: undefined,
    });
    expect(adHocProbe({ url, duration: '500ms' }).load).toMatchObject({ kind: 'burst', durationMs: 500 });
  });
});

describe('command lines', () => {
  const options = { connections: { type: 'string', short: 'c' }, quiet: { type: 'boolean' } } as const;
  const message = (args: string[]) => {
    try {
      parseCommandLine('probe', args, options);
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('names an unknown flag and the command whose help lists the right ones', () => {
    expect(message(['--conections', '5'])).toBe(
      '--conections: unknown option for perfprobe probe (expected one of --connections, --quiet, --help; see perfprobe probe --help)',
    );
  });

  it('takes a negative number as the value of the flag before it, so its range check can name it', () => {
    expect(parseCommandLine('probe', ['-c', '-5'], options).values.connections).toBe('-5');
  });

  it('names a flag given without its value, and a switch given one', () => {
    expect(message(['-c'])).toBe('--connections: expected a value after it, got nothing');
    expect(message(['--quiet=yes'])).toBe('--quiet: expected no value (it is a switch), got one');
  });

  it('recognizes --help and -h for every command', () => {
    expect(parseCommandLine('probe', ['-h'], options).help).toBe(true);
    expect(parseCommandLine('probe', ['http://x', '--help'], options).help).toBe(true);
  });
});

describe('perfprobe demo-api flags', () => {
  it.each([
    [
      { port: 'abc' },
      '--port: expected a whole TCP port number (0 for any free port) from 0 to 65535, got "abc"',
    ],
    [
      { port: '70000' },
      '--port: expected a whole TCP port number (0 for any free port) from 0 to 65535, got "70000"',
    ],
    [{ errorRate: '2' }, '--error-rate: expected a fraction of requests from 0 to 1, got "2"'],
    [{ latency: '-5' }, '--latency: expected milliseconds from 0 to 120000, got "-5"'],
  ])('refuses %j', (flags, expected) => {
    expect(() => demoApiOptions(flags)).toThrow(expected);
  });

  it('keeps its defaults when no flag is given', () => {
    expect(demoApiOptions({})).toEqual({ port: 8080, extraLatencyMs: 0, errorRate: 0 });
  });
});

describe('--json paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfprobe-json-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a path in a missing directory, saying which directory', async () => {
    const path = join(dir, 'missing', 'out.json');

    await expect(assertWritable('--json', path)).rejects.toThrow(
      `--json: expected a file path that can be written, got "${path}" (the directory ${join(dir, 'missing')} does not exist)`,
    );
  });

  it('refuses a location nobody may create files in (sysfs refuses even root)', async () => {
    await expect(assertWritable('--json', '/sys/perfprobe-test.json')).rejects.toThrow(
      '--json: expected a file path that can be written, got "/sys/perfprobe-test.json" (permission denied)',
    );
  });

  it('refuses a directory', async () => {
    await expect(assertWritable('--json', dir)).rejects.toThrow('(it is a directory)');
  });

  it('accepts a writable path without leaving a file behind, and leaves an existing file as it was', async () => {
    const fresh = join(dir, 'fresh.json');
    const existing = join(dir, 'existing.json');
    writeFileSync(existing, '{"before":true}\n');

    await assertWritable('--json', fresh);
    await assertWritable('--json', existing);

    expect(existsSync(fresh)).toBe(false);
    expect(readFileSync(existing, 'utf8')).toBe('{"before":true}\n');
  });
});
