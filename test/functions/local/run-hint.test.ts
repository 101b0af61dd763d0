import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { perfprobe, repoRoot } from '../../helpers/cli-process.ts';
import { httpServer, refusedPort } from '../../helpers/servers.ts';

// Inside the repository (git-ignored) so the suite can `import { defineSuite } from 'perfprobe'`.
const work = join(repoRoot, '.perfprobe', `run-hint-test-${process.pid}`);

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function suite(name: string, baseUrl: string): Promise<string> {
  mkdirSync(work, { recursive: true });
  const file = join(work, `${name}.ts`);
  writeFileSync(
    file,
    `import { defineSuite } from 'perfprobe';

export default defineSuite({
  name: '${name}',
  environments: { local: { baseUrl: '${baseUrl}' } },
  probes: [
    { id: 'a', request: { url: '/a' }, load: { kind: 'latency', requests: 2, interval: '10ms' } },
    { id: 'b', request: { url: '/b' }, load: { kind: 'latency', requests: 2, interval: '10ms' } },
  ],
});
`,
  );
  return file;
}

describe('perfprobe run against a local service that is not started', () => {
  it('says once, after the table, that nothing listens on the loopback address', async () => {
    const port = await refusedPort();
    const { code, stdout } = await perfprobe([
      'run',
      await suite('down', `http://127.0.0.1:${port}`),
      '--no-store',
    ]);
    expect(code).toBe(1);
    expect(stdout.match(/^hint: .*$/gm)).toEqual([
      `hint: nothing is listening on 127.0.0.1:${port} (every request: connection refused): start the service there first (the demo suite's API: \`perfprobe demo-api\`, or \`npm start\` for the whole demo)`,
    ]);
  });

  it('gives no hint when the service answers, even with errors', async () => {
    const target = await httpServer((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    try {
      const { code, stdout } = await perfprobe(['run', await suite('failing', target.url), '--no-store']);
      expect(code).toBe(1);
      expect(stdout).toContain('http_5xx');
      expect(stdout).not.toContain('hint:');
    } finally {
      await target.close();
    }
  });
});
