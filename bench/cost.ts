import { probeMonthlyCost } from '../functions/core/cloud/cost-model.ts';
import { DEFAULT_RETENTION_DAYS } from '../functions/core/suite/limits.ts';
import { probeFor } from '../test/helpers/probes.ts';
import { markdownTable, type Section } from './tools.ts';

/** The cost model (`perfprobe cost`) for three reference probes, itemized, next to Synthetics and Checkly. */
const REFERENCES = {
  'latency check every minute': { schedule: 'rate(1 minute)' },
  '500 req/s × 60 s, hourly': {
    schedule: 'rate(1 hour)',
    load: { kind: 'rate', rate: 500, duration: '60s' },
  },
  '10-shard burst (200 connections × 60 s), daily': {
    schedule: 'rate(1 day)',
    shards: 10,
    load: { kind: 'burst', connections: 200, duration: '60s' },
  },
};

export function costSection(): Section {
  const costs = Object.entries(REFERENCES).map(([name, probe]) => ({
    name,
    cost: probeMonthlyCost(probeFor('https://api.example.com', probe), DEFAULT_RETENTION_DAYS),
  }));
  const items = costs[0]!.cost.lines.map((l) => l.item);
  const money = (n: number) => (n >= 0.005 ? `$${n.toFixed(2)}` : n > 0 ? '<$0.01' : '$0');
  const rows = [
    ['runs / month', ...costs.map((c) => Math.round(c.cost.runsPerMonth).toLocaleString('en-US'))],
    ...items.map((item) => [
      item,
      ...costs.map((c) => {
        const line = c.cost.lines.find(
          (l) => l.item === item || (item.startsWith('Step') && l.item.startsWith('Step')),
        );
        return line ? money(line.usd) : '-';
      }),
    ]),
    ['**perfprobe total**', ...costs.map((c) => `**${money(c.cost.totalUsd)}**`)],
    ...costs[0]!.cost.alternatives.map((a) => [
      `${a.item}, same schedule`,
      ...costs.map((c) => money(c.cost.alternatives.find((x) => x.item === a.item)!.usd)),
    ]),
  ];
  const markdown = [
    'US dollars per month, us-east-1 list prices (functions/core/cloud/aws-prices.ts, each with source and date), free tiers left out. `perfprobe cost <suite.ts>` prints the same for a suite.',
    '',
    markdownTable(['per month', ...costs.map((c) => c.name)], rows),
    '',
    ...costs.map((c) => `- ${c.name}: ${c.cost.lines.map((l) => `${l.item} ${l.basis}`).join('; ')}`),
  ].join('\n');
  return { title: 'Cost per probe-month', markdown, json: costs };
}
