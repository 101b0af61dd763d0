import { defineCommand } from '../cli-command.ts';
import { oneSuitePath } from '../command-line.ts';
import { assertWritable } from '../json-output.ts';
import { LOAD_TIMEOUT_FLAG, LOAD_TIMEOUT_HELP, loadTimeoutFlag } from '../load-timeout-flag.ts';
import { STORE_FLAGS } from '../store-flags.ts';
import { UsageError } from '../usage-error.ts';

export const baselineCli = defineCommand({
  name: 'baseline',
  flags: {
    ...LOAD_TIMEOUT_FLAG,
    env: { type: 'string', short: 'e' },
    probe: { type: 'string', short: 'p', multiple: true },
    since: { type: 'string' },
    out: { type: 'string', short: 'o' },
    ...STORE_FLAGS,
  },
  help: `Usage: perfprobe baseline save <suite.ts> --out FILE [options]

Merges each probe's valid stored runs of the window exactly and writes them as a baseline file, for
\`perfprobe run <suite.ts> --baseline FILE\` (a CI gate that exits 1 on a regression).

  -o, --out FILE          the baseline file to write (required)
  -e, --env NAME          environment (required when the suite defines more than one)
  -p, --probe ID          only this probe, repeatable
      --since T           how far back: 30m, 24h, 7d, 2w (default 7d)
      --store DIR         read the local run store there (default .perfprobe)
      --deployed          read the environment's deployed runs table instead (found in its stack's outputs)
      --table NAME        the same, naming the table; --region R the stack's region
${LOAD_TIMEOUT_HELP}  -h, --help
`,
  overview: {
    usage: ['baseline save <suite.ts> --out FILE [--env NAME] [--probe ID]... [--since 7d]'],
    summary: ['merge stored runs into a baseline for run --baseline FILE'],
  },
  async run({ flags, positionals }) {
    const { baselineSaveCommand } = await import('./baseline-command.ts');
    const { historyFlags } = await import('../history-flags.ts');
    const [action, suitePath, ...extra] = positionals;
    if (action !== 'save') {
      throw new UsageError(
        `baseline: expected "save", got ${action === undefined ? 'nothing' : `"${action}"`}`,
      );
    }
    oneSuitePath(suitePath === undefined ? [] : [suitePath, ...extra]);
    const out = flags.out;
    if (out === undefined) throw new UsageError('--out: expected the baseline file to write, got nothing');
    const where = historyFlags({
      since: flags.since,
      store: flags.store,
      table: flags.table,
      deployed: flags.deployed === true,
      region: flags.region,
    });
    await assertWritable('--out', out);
    await baselineSaveCommand({
      suitePath: suitePath!,
      loadTimeoutMs: loadTimeoutFlag(flags['load-timeout']),
      env: flags.env,
      probes: flags.probe,
      sinceMs: where.sinceMs,
      outFile: out,
      store: where.store,
    });
    return 0;
  },
});
