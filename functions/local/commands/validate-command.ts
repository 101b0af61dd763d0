import { deployProblems } from '../../core/cloud/deploy-checks.ts';
import { type DeployedSuite, deploySuite } from '../../core/cloud/deployed-suite.ts';
import { environmentLayouts, type StackLayout } from '../../core/cloud/stack-layout.ts';
import { endpointWarnings } from '../../core/cloud/subscription-endpoint.ts';
import { formatMs } from '../../core/durations.ts';
import type { ResolvedLoad } from '../../core/plan.ts';
import { resolveProbe } from '../../core/suite/resolve-probe.ts';
import { checkTransportFiles } from '../check-transport-files.ts';
import { loadSuite } from '../load-suite.ts';
import { table } from '../style.ts';
import { UsageError } from '../usage-error.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The load in words; `unit` is what it counts: a request, or a flow's iteration. */
export function describeLoad(load: ResolvedLoad, unit = 'request'): string {
  switch (load.kind) {
    case 'latency':
      return `latency: ${plural(load.requests, unit)}, every ${formatMs(load.intervalMs)}`;
    case 'burst':
      return `burst: ${plural(load.connections, 'connection')}, ${load.durationMs !== undefined ? formatMs(load.durationMs) : plural(load.requests ?? 0, unit)}`;
    case 'rate':
      return `rate: ${load.stages.map((s) => (s.fromRate === s.toRate ? `${s.toRate}/s for ${formatMs(s.durationMs)}` : `${s.fromRate}→${s.toRate}/s over ${formatMs(s.durationMs)}`)).join(', then ')} (${load.connections} connections, growing to ${load.maxConnections} while all are busy)`;
  }
}

/** The stacks `cdk deploy` creates, as synth will count them (see stackLayout). */
function describeLayout(layout: StackLayout): string {
  const root = `${layout.root.resources} resources`;
  if (layout.parts.length === 0) return `one stack of ${root}`;
  const nested = [...layout.parts, ...layout.dashboards];
  const largest = nested.reduce((a, b) => (b.resources > a.resources ? b : a));
  return `a stack of ${root} and ${nested.length} nested stacks (${layout.parts.length} of probes' alarms and schedules, ${layout.dashboards.length} of dashboards; the largest, ${largest.id}, ${largest.resources} resources)`;
}

/** Every location's stacks, home first (one location, or none: its stacks alone, as before). */
function describeLayouts(deployed: DeployedSuite): string {
  const layouts = environmentLayouts(deployed);
  if (layouts.length === 1) return describeLayout(layouts[0]!.layout);
  const home = layouts[0]!.location;
  return `${layouts.length} locations, a stack set in each: ${layouts
    .map(
      ({ location, layout }) => `${location}${location === home ? ' (home)' : ''}, ${describeLayout(layout)}`,
    )
    .join('; ')}`;
}

/**
 * `perfprobe validate`: loads and checks a suite, sends nothing. 1 when a selected environment (every one by
 * default) is not deployable, so a CI gate on it fails where `cdk deploy` would.
 */
export async function validateCommand(
  suitePath: string,
  out: NodeJS.WritableStream = process.stdout,
  selected?: readonly string[],
  loadTimeoutMs?: number,
): Promise<0 | 1> {
  const suite = await loadSuite(suitePath, { timeoutMs: loadTimeoutMs });
  await checkTransportFiles(suite);
  const envs = Object.keys(suite.environments);
  const unknown = (selected ?? []).filter((env) => !Object.hasOwn(suite.environments, env));
  if (unknown.length > 0) {
    throw new UsageError(
      `--env: expected one of ${envs.join(', ')} (the environments of ${suitePath}), got ${unknown.map((e) => `"${e}"`).join(', ')}`,
    );
  }
  const first = envs[0]!;
  const rows = suite.probes.map((p) => {
    const probe = resolveProbe(suite, p, first);
    return [
      p.id,
      // A flow's unit of load is an iteration of its steps.
      probe.steps === undefined
        ? describeLoad(probe.load)
        : `${describeLoad(probe.load, 'iteration')} of ${probe.steps.map((s) => s.name).join(' → ')}`,
      probe.schedule.expression,
      [...Object.keys(probe.sla ?? {}), ...(probe.rateLimit ? ['rateLimit'] : [])].join(' ') || '-',
    ];
  });
  out.write(
    `${suitePath}: suite "${suite.name}" is valid: ${plural(suite.probes.length, 'probe')}, environments ${envs.join(', ')}\n`,
  );
  out.write(`${table([['probe', `load (${first})`, 'schedule', 'SLAs'], ...rows])}\n`);
  // What `cdk deploy -c env=<name>` would refuse, said now: a suite can run locally yet not deploy.
  let refused = false;
  for (const env of selected ?? envs) {
    const deployed = deploySuite(suite, env);
    const problems = deployProblems(deployed, (id) => suite.probes.findIndex((p) => p.id === id));
    refused ||= problems.length > 0;
    // Warnings do not refuse: a URL that merely looks like it holds a key may not.
    for (const warning of endpointWarnings(env, suite.environments[env]!.notify)) {
      out.write(`warning: ${warning.path}: ${warning.message}\n`);
    }
    out.write(
      problems.length === 0
        ? `deployable to ${env}: ${describeLayouts(deployed)}\n`
        : `not deployable to ${env} (perfprobe run still works):\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n`,
    );
  }
  return refused ? 1 : 0;
}
