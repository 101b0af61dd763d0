import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../../../functions/local/commands/validate-command.ts';
import { textSink } from '../../../helpers/text-sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'perfprobe-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function suiteFile(name: string, environment: Record<string, unknown>): string {
  const path = join(dir, `${name}.ts`);
  const suite = {
    name: 'bank',
    defaults: { timeout: '2s' },
    environments: {
      prod: {
        baseUrl: 'https://api.bank.example',
        notify: { email: ['oncall@bank.example'] },
        ...environment,
      },
    },
    probes: [
      { id: 'login', request: { url: '/login' }, schedule: 'rate(1 minute)' },
      { id: 'fx', request: { url: '/fx' }, schedule: 'rate(5 minutes)', locations: ['eu-central-1'] },
    ],
  };
  writeFileSync(path, `export default ${JSON.stringify(suite)};\n`);
  return path;
}

async function validate(path: string): Promise<{ code: number; text: string }> {
  const out = textSink();
  const code = await validateCommand(path, out);
  return { code, text: out.text() };
}

describe('validate names the stacks of every location', () => {
  it('says each location’s stacks, home first, when the environment names several', async () => {
    const { code, text } = await validate(
      suiteFile('three', { locations: ['eu-west-1', 'eu-central-1', 'us-east-1'] }),
    );

    expect(code).toBe(0);
    expect(text).toMatch(
      /^deployable to prod: 3 locations, a stack set in each: eu-west-1 \(home\), one stack of \d+ resources; eu-central-1, one stack of \d+ resources; us-east-1, one stack of \d+ resources$/m,
    );
    // eu-central-1 also runs fx, so its stack is larger than us-east-1's.
    const counts = [...text.matchAll(/one stack of (\d+) resources/g)].map((m) => Number(m[1]));
    expect(counts[1]).toBeGreaterThan(counts[2]!);
  });

  it('keeps the one-stack line of an environment without locations', async () => {
    const path = join(dir, 'one.ts');
    const suite = {
      name: 'bank',
      defaults: { timeout: '2s' },
      environments: { prod: { baseUrl: 'https://api.bank.example' } },
      probes: [{ id: 'login', request: { url: '/login' }, schedule: 'rate(1 minute)' }],
    };
    writeFileSync(path, `export default ${JSON.stringify(suite)};\n`);

    const { code, text } = await validate(path);

    expect(code).toBe(0);
    expect(text).toMatch(/^deployable to prod: one stack of \d+ resources$/m);
  });
});
