import type { RunResult } from '../core/run-result.ts';
import type { SlaCheck } from '../core/sla.ts';
import { formatObserved, formatThreshold, hasLatency, isDefaultCheck, NOT_MEASURED } from './report.ts';

/** What a CI report covers: the runs just made, or each probe's latest stored run. */
export interface ReportInput {
  readonly suite: string;
  readonly environment: string;
  readonly runs: readonly RunResult[];
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const pct = (f: number) => `${(100 * f).toFixed(f > 0 && f < 0.001 ? 3 : 2)}%`;
const VERDICT_MD = { pass: '✅ pass', warn: '⚠️ warn', breach: '❌ breach', invalid: '⚠️ invalid' } as const;

/** A Markdown cell: pipes and newlines would break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function checkLabel(check: SlaCheck): string {
  return `${check.name} (${check.severity})${isDefaultCheck(check) ? ' (default)' : ''}`;
}

function checkResult(check: SlaCheck): string {
  if (check.regression?.unjudged) return '➖ not judged';
  if (check.passed) return 'pass';
  return check.severity === 'critical' ? '**FAIL**' : 'warn';
}

/**
 * Markdown for CI job summaries and pull-request comments: probes × verdicts first (what a reviewer reads), then
 * each probe's checks with threshold and observed value.
 */
export function markdownReport(input: ReportInput): string {
  const lines = [
    `## perfprobe: ${cell(input.suite)} on ${cell(input.environment)}`,
    '',
    '| probe | verdict | requests | p50 ms | p95 ms | p99 ms | errors | failed checks |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of input.runs) {
    const measured = hasLatency(r);
    const failed =
      r.sla.verdict === 'invalid'
        ? r.validity.reasons.join('; ')
        : r.sla.checks
            .filter((c) => !c.passed)
            .map((c) => `${c.name} ${formatObserved(c)} (${c.severity} ${formatThreshold(c)})`)
            .join(', ');
    lines.push(
      `| ${cell(r.probeId)} | ${VERDICT_MD[r.sla.verdict]} | ${r.requests.total.toLocaleString('en-US')} | ${measured ? ms(r.latencyMs.p50) : NOT_MEASURED} | ${measured ? ms(r.latencyMs.p95) : NOT_MEASURED} | ${measured ? ms(r.latencyMs.p99) : NOT_MEASURED} | ${pct(r.errorRate)} | ${cell(failed)} |`,
    );
  }
  for (const r of input.runs) {
    lines.push(
      '',
      `### ${cell(r.probeId)}`,
      '',
      `${r.kind}, started ${r.startedAt}, ${r.requests.total.toLocaleString('en-US')} requests, ${r.throughputRps.toFixed(2)} req/s; ${r.validity.valid ? 'valid run' : `**invalid run**: ${cell(r.validity.reasons.join('; '))}`}`,
      '',
      '| check | threshold | observed | result |',
      '|---|---|---|---|',
      ...r.sla.checks.map(
        (c) =>
          `| ${cell(checkLabel(c))} | ${cell(formatThreshold(c))} | ${cell(formatObserved(c))} | ${checkResult(c)} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

// XML 1.0 allows tab, newline and carriage return among the control characters, nothing else below 0x20.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids.
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xml(text: string): string {
  return text
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * JUnit XML for CI systems: one test suite per probe, one test case per SLA check plus one for the run's
 * validity. A critical check that failed is a failure; a warn-level miss passes with the figures in its output
 * (JUnit has no "warning"); a regression check that could not judge is skipped, with why.
 */
export function junitReport(input: ReportInput): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const r of input.runs) {
    const classname = xml(`${input.suite}.${input.environment}.${r.probeId}`);
    const cases: string[] = [];
    const validity = r.validity.valid
      ? `<testcase classname="${classname}" name="valid run"/>`
      : `<testcase classname="${classname}" name="valid run"><failure message="${xml(`invalid run: ${r.validity.reasons.join('; ')}`)}"/></testcase>`;
    cases.push(validity);
    let suiteFailures = r.validity.valid ? 0 : 1;
    let suiteSkipped = 0;
    for (const c of r.sla.checks) {
      const name = xml(checkLabel(c));
      const figures = xml(`observed ${formatObserved(c)}, threshold ${formatThreshold(c)}`);
      if (c.regression?.unjudged) {
        suiteSkipped++;
        cases.push(
          `<testcase classname="${classname}" name="${name}"><skipped message="${xml(`not judged: ${c.regression.unjudged}`)}"/></testcase>`,
        );
      } else if (!c.passed && c.severity === 'critical') {
        suiteFailures++;
        cases.push(
          `<testcase classname="${classname}" name="${name}"><failure message="${figures}"/></testcase>`,
        );
      } else {
        cases.push(
          `<testcase classname="${classname}" name="${name}"><system-out>${c.passed ? '' : 'warn: '}${figures}</system-out></testcase>`,
        );
      }
    }
    const count = cases.length;
    tests += count;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suites.push(
      `  <testsuite name="${classname}" tests="${count}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="${(r.durationMs / 1000).toFixed(3)}" timestamp="${xml(r.startedAt)}">\n    ${cases.join('\n    ')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`perfprobe ${input.suite} ${input.environment}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
