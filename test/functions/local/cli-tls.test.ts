import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { perfprobe, repoRoot } from '../../helpers/cli-process.ts';
import { httpServer } from '../../helpers/servers.ts';
import { makeMtlsCertificates } from '../../helpers/tls-certificates.ts';

// Inside the repo (git-ignored) so suites can `import { defineSuite } from 'perfprobe'`.
const work = join(repoRoot, '.perfprobe', `cli-tls-test-${process.pid}`);
mkdirSync(work, { recursive: true });
const certs = makeMtlsCertificates();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  certs.remove();
});

function suiteWithTls(name: string, tls: Record<string, string>): string {
  const file = join(work, name);
  const suite = {
    name: 'bank',
    environments: { prod: { baseUrl: 'https://api.bank.example', transport: { tls } } },
    probes: [{ id: 'health', request: { url: '/health' } }],
  };
  writeFileSync(
    file,
    `import { defineSuite } from 'perfprobe';\n\nexport default defineSuite(${JSON.stringify(suite)});\n`,
  );
  return file;
}

describe('perfprobe validate with transport.tls files', () => {
  it('accepts a client certificate whose key matches', async () => {
    const file = suiteWithTls('good.ts', {
      ca: `file:${certs.path('ca.pem')}`,
      cert: `file:${certs.path('client.pem')}`,
      key: `file:${certs.path('client.key')}`,
    });

    const { code, stdout } = await perfprobe(['validate', file]);

    // Valid, and the files are fine; `file:` material cannot reach a deployed worker, so prod is not deployable
    // (validate is a deploy gate: exit 1, perfprobe run still works).
    expect(stdout).toContain('suite "bank" is valid');
    expect(stdout).toMatch(/not deployable/);
    expect(code).toBe(1);
  });

  it('refuses a key of another certificate: exit 2, the field named, no key printed', async () => {
    const file = suiteWithTls('mismatch.ts', {
      cert: `file:${certs.path('client.pem')}`,
      key: `file:${certs.path('server.key')}`,
    });

    const { code, stderr, stdout } = await perfprobe(['validate', file]);

    expect(code).toBe(2);
    expect(stderr).toMatch(
      /environments\.prod\.transport\.tls\.key: the key does not match the certificate transport\.tls\.cert/,
    );
    expect(stderr + stdout).not.toContain('PRIVATE KEY');
  });

  it('refuses a reference that is not one, naming the field and the forms expected', async () => {
    const file = suiteWithTls('bad-ref.ts', {
      cert: './client.pem',
      key: `file:${certs.path('client.key')}`,
    });

    const { code, stderr } = await perfprobe(['validate', file]);

    expect(code).toBe(2);
    expect(stderr).toMatch(
      /environments\.prod\.transport\.tls\.cert: expected a value reference like "file:/,
    );
  });
});

describe('credentials in a URL', () => {
  it('become Basic authentication on the wire with perfprobe probe, and the password is printed nowhere', async () => {
    const seen: (string | undefined)[] = [];
    const target = await httpServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('ok');
    });
    const json = join(work, 'userinfo.json');
    try {
      const url = target.url.replace('://', '://svc:s3cr%40t@');

      const { code, stdout, stderr } = await perfprobe([
        'probe',
        `${url}/accounts`,
        '-n',
        '2',
        '-c',
        '1',
        '--json',
        json,
      ]);

      expect(code).toBe(0);
      expect(seen).toEqual([
        `Basic ${Buffer.from('svc:s3cr@t').toString('base64')}`,
        `Basic ${Buffer.from('svc:s3cr@t').toString('base64')}`,
      ]);
      const everything = stdout + stderr + readFileSync(json, 'utf8');
      expect(everything).not.toMatch(/s3cr/);
      expect(everything).not.toContain(Buffer.from('svc:s3cr@t').toString('base64'));
    } finally {
      await target.close();
    }
  });

  it('are refused in a suite, with the fix, and the password is not repeated', async () => {
    const file = join(work, 'userinfo-suite.ts');
    const suite = {
      name: 'bank',
      environments: { prod: { baseUrl: 'https://svc:hunter2@api.bank.example' } },
      probes: [{ id: 'health', request: { url: '/health' } }],
    };
    writeFileSync(
      file,
      `import { defineSuite } from 'perfprobe';\n\nexport default defineSuite(${JSON.stringify(suite)});\n`,
    );

    const { code, stderr, stdout } = await perfprobe(['validate', file]);

    expect(code).toBe(2);
    expect(stderr).toMatch(
      /environments\.prod\.baseUrl: expected a URL without "user:password@": move the password to a secret .* headers\.authorization: "Basic \$\{basic\}"/,
    );
    expect(stderr + stdout).not.toContain('hunter2');
  });
});
