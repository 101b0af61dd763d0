import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAME_STOP_MS } from '../../../functions/local/cli.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Inside the repo (git-ignored) so suites can `import { defineSuite } from 'perfprobe'`.
const work = join(root, '.perfprobe', `exit-codes-test-${process.pid}`);

function start(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [join(root, 'bin/perfprobe.js'), ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
  });
}

async function finish(child: ChildProcessWithoutNullStreams) {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

const perfprobe = (args: string[]) => finish(start(args));

/** A loopback target that counts what reaches it. */
interface Target {
  readonly url: string;
  requests: number;
  close(): void;
}

const servers: Server[] = [];
async function target(handle: (req: IncomingMessage, res: ServerResponse, target: Target) => void) {
  const server = createServer((req, res) => {
    t.requests++;
    handle(req, res, t);
  }).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  const t: Target = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
  return t;
}

beforeAll(() => mkdirSync(work, { recursive: true }));
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('perfprobe probe exit codes', () => {
  it('exits 1 when an --sla breaches, naming the check', async () => {
    const failing = await target((_req, res) => {
      res.statusCode = 500;
      res.end();
    });

    const { code, stdout } = await perfprobe([
      'probe',
      `${failing.url}/`,
      '-n',
      '5',
      '-c',
      '1',
      '--sla',
      'errorRate=1%',
      '--sla',
      'p99=250ms',
    ]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/SLA {8}BREACH/);
    expect(stdout).toMatch(/errorRate \(critical\)\s+≤ 1\.00%\s+100\.00%\s+FAIL/);
    expect(failing.requests).toBe(5);
  });

  it('on Ctrl-C stops, reports the run, and exits 1: an interrupted run cannot prove its SLA', async () => {
    let child: ChildProcessWithoutNullStreams | undefined;
    const slow = await target((_req, res) => {
      if (slow.requests === 1) child?.kill('SIGINT');
      setTimeout(() => res.end('ok'), 20);
    });
    child = start(['probe', `${slow.url}/`, '-c', '1', '-d', '60']);

    const { code, stdout, stderr } = await finish(child);

    expect(code).toBe(1);
    expect(stderr).toContain('stopping: waiting for in-flight requests (Ctrl-C again to quit now)');
    expect(stdout).toMatch(/validity {3}INVALID: .*interrupted/);
    expect(stdout).toMatch(/status {5}200 ×\d/);
  });

  it('on SIGTERM (a CI cancel) stops a run like Ctrl-C: prints it, writes --json, stores it as invalid, exits 1', async () => {
    let child: ChildProcessWithoutNullStreams | undefined;
    const slow = await target((_req, res) => {
      if (slow.requests === 1) child?.kill('SIGTERM');
      setTimeout(() => res.end('ok'), 20);
    });
    const suite = join(work, 'sigterm.ts');
    writeFileSync(
      suite,
      `export default { name: 'ci', environments: { local: { baseUrl: '${slow.url}' } }, probes: [{ id: 'slow', request: { url: '/' }, load: { kind: 'burst', connections: 1, duration: '10s' } }] };\n`,
    );
    const json = join(work, 'sigterm.json');
    const store = join(work, 'sigterm-store');
    child = start(['run', suite, '--json', json, '--store', store]);

    const { code, stdout, stderr } = await finish(child);

    expect(code).toBe(1);
    expect(stderr).toContain('stopping (SIGTERM): waiting for in-flight requests');
    expect(stdout).toMatch(/validity {3}INVALID: .*interrupted/);
    const [written] = JSON.parse(readFileSync(json, 'utf8'));
    expect(written.validity.valid).toBe(false);
    const stored = readdirSync(join(store, 'runs'), { recursive: true, withFileTypes: true }).filter((f) =>
      f.name.endsWith('.jsonl'),
    );
    const [record] = stored.map((f) => JSON.parse(readFileSync(join(f.parentPath, f.name), 'utf8').trim()));
    expect(record.validity.valid).toBe(false);
    expect(record.runId).toBe(written.runId);
  });

  it('exits when the run ends although the suite left a timer running at import', async () => {
    const quick = await target((_req, res) => res.end('ok'));
    const suite = join(work, 'timer.ts');
    writeFileSync(
      suite,
      `setInterval(() => {}, 1000);\nexport default { name: 't', environments: { local: { baseUrl: '${quick.url}' } }, probes: [{ id: 'health', request: { url: '/' }, load: { kind: 'latency', requests: 1 } }] };\n`,
    );

    // Without the exit, the process would live forever and the test would time out.
    const { code, stdout } = await perfprobe(['run', suite, '--no-store']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/health\s+latency\s+1\s/);
  });

  it('takes a SIGTERM repeated just after the first (GNU timeout signals the command, then its group) as one stop', async () => {
    let child: ChildProcessWithoutNullStreams | undefined;
    const slow = await target((_req, res) => {
      if (slow.requests === 1) child?.kill('SIGTERM');
      setTimeout(() => res.end('ok'), 20);
    });
    const json = join(work, 'twice.json');
    child = start(['probe', `${slow.url}/`, '-c', '1', '-d', '10', '--json', json]);
    // The repeat lands once the first was handled (two at once would merge into one pending signal).
    child.stderr.on('data', (d: Buffer) => {
      if (d.toString().includes('stopping (SIGTERM)')) child?.kill('SIGTERM');
    });

    const { code, stderr } = await finish(child);

    expect(code).toBe(1);
    expect(stderr.match(/stopping \(SIGTERM\)/g)).toHaveLength(1);
    expect(JSON.parse(readFileSync(json, 'utf8')).validity.valid).toBe(false);
  });

  it('quits with 130 on a second Ctrl-C, a second after the first, while a request still hangs', async () => {
    let child: ChildProcessWithoutNullStreams | undefined;
    // Never answers: after the first Ctrl-C the run would wait for this request's 60 s timeout.
    const hanging = await target(() => child?.kill('SIGINT'));
    child = start(['probe', `${hanging.url}/`, '-c', '1', '-d', '60', '-t', '60']);
    child.stderr.on('data', (d: Buffer) => {
      if (d.toString().includes('stopping:')) setTimeout(() => child?.kill('SIGINT'), SAME_STOP_MS + 100);
    });

    const { code } = await finish(child);

    expect(code).toBe(130);
  });

  it('refuses bad flags with exit 2 before a single request, without a stack trace', async () => {
    const untouched = await target((_req, res) => res.end('ok'));
    const json = join(work, 'no-such-dir', 'out.json');

    const zero = await perfprobe(['probe', `${untouched.url}/`, '-t', '0', '-d', '1', '--json', json]);
    const unwritable = await perfprobe(['probe', `${untouched.url}/`, '-d', '1', '--json', json]);

    expect([zero.code, unwritable.code]).toEqual([2, 2]);
    const unwritableMessage = `--json: expected a file path that can be written, got "${json}" (the directory ${join(work, 'no-such-dir')} does not exist)`;
    // Every problem of one command line in one answer.
    expect(zero.stderr).toBe(
      `perfprobe: --timeout: expected seconds (like 10) or a duration like "500ms", above 0 and at most 2m, got "0"\n${unwritableMessage}\n`,
    );
    expect(unwritable.stderr).toBe(`perfprobe: ${unwritableMessage}\n`);
    expect(untouched.requests).toBe(0);
    expect(existsSync(json)).toBe(false);
  });
});

describe('perfprobe run with a closed stdout (perfprobe run … | head -1)', () => {
  it('runs every probe, writes --json and exits with the run code after the reader left', async () => {
    const api = await target((req, res) => {
      res.statusCode = req.url === '/fail' ? 500 : 200;
      res.end();
    });
    const suite = join(work, 'pipe.ts');
    writeFileSync(
      suite,
      `import { defineSuite } from 'perfprobe';
export default defineSuite({
  name: 'pipe',
  environments: { local: { baseUrl: '${api.url}' } },
  probes: [
    // Long enough that its summary is written after the reader has gone.
    { id: 'first', request: { url: '/ok' }, load: { kind: 'latency', requests: 3, interval: 150 } },
    { id: 'later', request: { url: '/fail' }, load: { kind: 'latency', requests: 2, interval: 0 }, sla: { errorRate: 0 } },
  ],
});
`,
    );
    const json = join(work, 'pipe.json');
    const child = start(['run', suite, '--json', json]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));

    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'close')) as [number | null];

    expect(code).toBe(1);
    expect(stderr).toBe('');
    const results = JSON.parse(readFileSync(json, 'utf8')) as { probeId: string; sla: { verdict: string } }[];
    expect(results.map((r) => [r.probeId, r.sla.verdict])).toEqual([
      ['first', 'pass'],
      ['later', 'breach'],
    ]);
    expect(api.requests).toBe(5);
  });
});

describe('help, version and demo-api flags', () => {
  it('prints each command its own usage with exit 0, and the package version', async () => {
    const probe = await perfprobe(['probe', '--help']);
    const run = await perfprobe(['run', '-h']);
    const version = await perfprobe(['--version']);

    expect([probe.code, run.code, version.code]).toEqual([0, 0, 0]);
    expect(probe.stdout).toMatch(/^Usage: perfprobe probe <url> \[options\]/);
    expect(probe.stdout).toContain('--sla KEY=VALUE');
    expect(run.stdout).toMatch(/^Usage: perfprobe run <suite\.ts> \[options\]/);
    const { version: expected } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(version.stdout).toBe(`perfprobe ${expected}\n`);
  });

  it('refuses demo-api flags with exit 2 and no stack trace', async () => {
    const { code, stderr } = await perfprobe(['demo-api', '--port', 'abc', '--error-rate', '2']);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'perfprobe: --port: expected a whole TCP port number (0 for any free port) from 0 to 65535, got "abc"\n' +
        '--error-rate: expected a fraction of requests from 0 to 1, got "2"\n',
    );
  });
});
