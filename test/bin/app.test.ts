import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = join(root, '.perfprobe');
mkdirSync(scratch, { recursive: true });
const work = mkdtempSync(join(scratch, 'app-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CDK app as `cdk synth` does: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
function app(context: Record<string, string>) {
  const out = spawnSync(process.execPath, ['bin/run-ts.js', 'bin/app.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: join(work, 'out') },
  });
  return { code: out.status, stderr: out.stderr };
}

describe('the CDK app (bin/app.ts)', () => {
  it('asks for the environment, naming the ones the suite defines', () => {
    const { code, stderr } = app({ suite: 'probes/example-bank.ts' });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'perfprobe: pass the environment to deploy: -c env=<name> (probes/example-bank.ts defines: staging, prod)\n',
    );
  });

  it('refuses a suite that cannot be deployed, listing every problem with its path', () => {
    const file = join(work, 'local-only.ts');
    writeFileSync(
      file,
      `import { defineSuite } from 'perfprobe';
export default defineSuite({
  name: 'local-only',
  environments: { prod: { baseUrl: 'https://api.example.com', variables: { token: { secret: 'env:TOKEN' } } } },
  probes: [{ id: 'p', request: { url: '/', headers: { authorization: 'Bearer \${token}' } }, schedule: 'cron(0 * * * ? *)' }],
});
`,
    );
    const { code, stderr } = app({ suite: file, env: 'prod' });
    expect(code).toBe(2);
    expect(stderr).toContain('2 problems in the suite');
    expect(stderr).toContain(
      'environments.prod.variables.token: "env:TOKEN" resolves only where `perfprobe run` runs',
    );
    expect(stderr).toContain('probes[0].alert.interval: expected the time between runs');
    expect(stderr).not.toContain('    at ');
  });
});
