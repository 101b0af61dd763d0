import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { compileBodyRegex } from '../../../../functions/core/flows/safe-regex.ts';
import { repoRoot } from '../../../helpers/cli-process.ts';

/** A backreference keeps V8 in its backtracking engine: 2^30 paths over this body, far past any bound. */
const overrunning = () => compileBodyRegex('^(a+)+\\1$');
const OVERRUN_BODY = `${'a'.repeat(30)}!`;

describe('compileBodyRegex', () => {
  it('leaves the main thread free while a regex runs to its bound: a 50 ms timer set after it fires first', async () => {
    const order: string[] = [];

    const outcome = overrunning()
      .exec(OVERRUN_BODY)
      .then((o) => {
        order.push('regex');
        return o;
      });
    const timer = sleep(50).then(() => order.push('timer'));
    await Promise.all([outcome, timer]);

    expect(await outcome).toEqual({ overran: true });
    expect(order).toEqual(['timer', 'regex']);
  });

  it('runs one job at a time, each bound counted from when the worker takes it, on the spare after an overrun', async () => {
    const slow = overrunning().exec(OVERRUN_BODY);
    // Queued behind the overrun for its whole bound: counted from the queue, it would overrun too.
    const quick = compileBodyRegex('id=(\\w+)').exec('x id=abc y');

    expect(await Promise.all([slow, quick])).toEqual([{ overran: true }, { value: 'abc' }]);
  });

  it('drops a job whose signal is aborted while it waits in the queue, and runs the next', async () => {
    const gaveUp = new AbortController();
    const slow = overrunning().exec(OVERRUN_BODY);
    const dropped = compileBodyRegex('a').exec('a', gaveUp.signal);
    const next = compileBodyRegex('b').exec('b');

    gaveUp.abort();

    expect(await Promise.all([slow, dropped, next])).toEqual([
      { overran: true },
      { notRun: 'its caller gave up on it' },
      { value: 'b' },
    ]);
    expect(await compileBodyRegex('c').exec('c', gaveUp.signal)).toEqual({
      notRun: 'its caller gave up on it',
    });
  });

  it('keeps its process alive while it owes an answer, and no longer: a script awaiting one gets it and exits', () => {
    const script = [
      "import { compileBodyRegex } from './functions/core/flows/safe-regex.ts';",
      "const outcome = await compileBodyRegex('^(a+)+\\\\1$').exec(`${'a'.repeat(30)}!`);",
      'console.log(JSON.stringify(outcome));',
    ].join('\n');

    // Too early, the await never settles (exit 13, nothing printed); too late, the timeout kills it.
    const child = spawnSync(
      process.execPath,
      ['--import', './bin/register.js', '--input-type=module', '--eval', script],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );

    expect(child.stdout.trim()).toBe('{"overran":true}');
    expect(child.status).toBe(0);
  });
});
