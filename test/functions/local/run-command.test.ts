import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../functions/local/commands/run-command.ts';
import { UsageError } from '../../../functions/local/usage-error.ts';

describe('runCommand', () => {
  it('exits 1 when Ctrl-C came before probes ran: probes never run prove nothing', async () => {
    let text = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        text += chunk;
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    const signal = AbortSignal.abort();

    // probes/demo.ts points at PERFPROBE_DEMO_URL; nothing is sent since the run is already stopped.
    const { code, results } = await runCommand({ suitePath: 'probes/demo.ts', signal, out });

    expect(results).toEqual([]);
    expect(code).toBe(1);
    expect(text).toContain('interrupted: 8 probes not run');
  });

  it('refuses a --shards count some probe cannot carry before any probe sends', async () => {
    const out = new Writable({ write: (_c, _e, done) => done() }) as unknown as NodeJS.WriteStream;

    // The demo suite's health check is a latency probe (never split); its rate probes plan few arrivals.
    const run = runCommand({ suitePath: 'probes/demo.ts', shards: 100_000, out });

    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/^--shards 100000: probe "[a-z-]+": 100000 shards cannot each get/);
  });
});
