import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../../functions/local/load-suite.ts';
import { repoRoot } from '../../helpers/cli-process.ts';

// Inside the repo (git-ignored): a package with "type": "module", where a suite may `await` at its top level.
const work = join(repoRoot, '.perfprobe', `load-suite-test-${process.pid}`);
const suite = (name: string, text: string) => {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
};
const VALID = `export default { name: 's', environments: { local: { baseUrl: 'http://127.0.0.1:9' } }, probes: [{ id: 'a', request: { url: '/' } }] };\n`;

beforeAll(() => mkdirSync(work, { recursive: true }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('loadSuite', () => {
  it('shows a syntax error with file, line, column, the compiler message and the line', async () => {
    const file = suite(
      'syntax.ts',
      'export default {\n  name: "x",\n  probes: [ { id: "a" request: {} } ],\n};\n',
    );

    await expect(loadSuite(file)).rejects.toThrow(
      `could not load suite ${file}: syntax error at ${file}:3:23: Expected "}" but found "request"\n` +
        '      probes: [ { id: "a" request: {} } ],\n' +
        `    ${' '.repeat(22)}^`,
    );
  });

  it('stops a suite that busy-loops at import at the time limit, and names the flag that changes it', async () => {
    const file = suite('busy.ts', `while (true) {}\n${VALID}`);

    await expect(loadSuite(file, { timeoutMs: 3_000 })).rejects.toThrow(
      `could not load suite ${file}: it did not finish loading within 3s (a loop or an await at import that never ends?); --load-timeout changes the limit`,
    );
  });

  it('says so when a top-level await never settles', async () => {
    const file = suite('never.ts', `await new Promise(() => {});\n${VALID}`);

    await expect(loadSuite(file)).rejects.toThrow(
      `could not load suite ${file}: its import ended without finishing (a top-level await that never settles?)`,
    );
  });

  it('loads a suite that awaits and leaves a timer at import, within its limit', async () => {
    const file = suite(
      'slow.ts',
      `setInterval(() => {}, 1000);\nawait new Promise((r) => setTimeout(r, 200));\n${VALID}`,
    );

    const loaded = await loadSuite(file);

    expect(loaded.probes.map((p) => p.id)).toEqual(['a']);
    expect(loaded.environments.local?.baseUrl).toBe('http://127.0.0.1:9');
  });

  it('reports validation problems as before', async () => {
    const file = suite(
      'bad.ts',
      `export default { name: 's', environments: {}, probes: [{ id: 'a', request: { url: '/', timeout: '0.5ms' } }] };\n`,
    );

    await expect(loadSuite(file)).rejects.toThrow(
      'probes[0].request.timeout: expected a timeout of whole milliseconds, at least 1ms, got "0.5ms"',
    );
  });
});
