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

function coldMs(script: string, cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  return performance.now() - t0;
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
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([, f]) => String(f.Properties.Handler).startsWith('index.'))
      .map(([id, f]) => ({
        name: /Probes(\w+?)[0-9A-F]{8}$/.exec(id)?.[1] ?? id,
        memoryMb: f.Properties.MemorySize as number,
        file: join(outdir, `asset.${String(f.Properties.Code.S3Key).replace('.zip', '')}`, 'index.mjs'),
        coldImportMs: [] as number[],
      }));
    // Round-robin (nothing, then each bundle, RUNS times), so a slow spell of the machine hits all alike.
    const baselines: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      baselines.push(coldMs('', outdir));
      for (const f of functions)
        f.coldImportMs.push(coldMs(`await import(${JSON.stringify(f.file)})`, outdir));
    }
    const baseline = median(baselines);
    const rows = functions.map((f) => {
      const cold = median(f.coldImportMs);
      process.stdout.write(
        `lambda ${f.name}: ${(statSync(f.file).size / 1024).toFixed(0)} KB, cold import ${fixed(cold, 0)} ms\n`,
      );
      return [
        f.name,
        String(f.memoryMb),
        (statSync(f.file).size / 1024).toFixed(0),
        fixed(cold, 0),
        fixed(cold - baseline, 0),
      ];
    });
    const markdown = [
      `Bundles from synthesizing probes/example-bank.ts (prod) with real bundling. Cold import: a fresh \`node\` process importing the bundle, median of ${RUNS} taken round-robin, wall time on this machine; a process importing nothing takes ${fixed(baseline, 0)} ms. Goals: worker < 600 KB, cold import < 150 ms.`,
      '',
      markdownTable(
        ['function', 'memory MB', 'bundle KB (minified)', 'cold start + import ms', 'import alone ms'],
        rows,
      ),
    ].join('\n');
    return {
      title: 'Lambda bundles',
      markdown,
      json: {
        baselineMs: baselines,
        functions: functions.map((f) => ({ ...f, bundleBytes: statSync(f.file).size })),
      },
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
