import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../functions/local/commands/run-command.ts';

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
});
