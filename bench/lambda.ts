import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadSuite } from '../functions/local/load-suite.ts';
import { PerfprobeStack } from '../lib/perfprobe-stack.ts';
import { fixed, markdownTable, median, root, type Section } from './tools.ts';

/**
 * The functions as deployed: the example suite's prod stack synthesized with real bundling (minified ESM,
 * the suite compiled in), each bundle's size, and its cold import: a fresh `node` process that imports it,
 * median of 10, next to a process that imports nothing.
 */
const RUNS = 10;

function coldMs(script: string, cwd: string): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  }
  return times;
}

export async function lambdaSection(): Promise<Section> {
  // Inside the project, so a bundle's external @aws-sdk/* imports resolve from node_modules as on Lambda.
  const scratch = join(root, '.perfprobe');
  mkdirSync(scratch, { recursive: true });
  const outdir = mkdtempSync(join(scratch, 'bench-bundles-'));
  try {
    const suite = await loadSuite(join(root, 'probes/example-bank.ts'));
    const app = new App({ outdir });
    const stack = new PerfprobeStack(app, 'perfprobe-bench', { suite, environment: 'prod' });
    const template = Template.fromStack(stack);
    app.synth();
    const baseline = median(coldMs('', outdir));
    const rows: string[][] = [];
    const json: Record<string, unknown>[] = [];
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, f]) =>
      String(f.Properties.Handler).startsWith('index.'),
    );
    for (const [id, f] of functions) {
      const name = /Probes(\w+?)[0-9A-F]{8}$/.exec(id)?.[1] ?? id;
      const file = join(outdir, `asset.${String(f.Properties.Code.S3Key).replace('.zip', '')}`, 'index.mjs');
      const bytes = statSync(file).size;
      const times = coldMs(`await import(${JSON.stringify(file)})`, outdir);
      rows.push([
        name,
        String(f.Properties.MemorySize),
        (bytes / 1024).toFixed(0),
        fixed(median(times), 0),
        fixed(median(times) - baseline, 0),
      ]);
      json.push({
        function: name,
        memoryMb: f.Properties.MemorySize,
        bundleBytes: bytes,
        coldImportMs: times,
        baselineMs: baseline,
      });
      process.stdout.write(
        `lambda ${name}: ${(bytes / 1024).toFixed(0)} KB, cold import ${fixed(median(times), 0)} ms\n`,
      );
    }
    const markdown = [
      `Bundles from synthesizing probes/example-bank.ts (prod) with real bundling. Cold import: a fresh \`node\` process importing the bundle, median of ${RUNS}, wall time on this machine (a process importing nothing: ${fixed(baseline, 0)} ms). Goals: worker < 600 KB, cold import < 150 ms.`,
      '',
      markdownTable(
        ['function', 'memory MB', 'bundle KB (minified)', 'cold start + import ms', 'import alone ms'],
        rows,
      ),
    ].join('\n');
    return { title: 'Lambda bundles', markdown, json: { baselineMs: baseline, functions: json } };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
