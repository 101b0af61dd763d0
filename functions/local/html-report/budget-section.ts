import type { SloStatus } from '../../core/slo/slo-status.ts';
import {
  budgetLeftText,
  exhaustionText,
  formatBurn,
  formatTarget,
  objectiveLabel,
  percentLeft,
} from '../../core/slo/slo-words.ts';
import { escapeHtml as h } from './escape.ts';
import { num, table } from './sections.ts';

/**
 * A probe's error budget: per objective, a bar of the budget left (a <meter>, drawn by the browser with no script
 * or inline style, which the page's Content-Security-Policy forbids), the SLI, the counts and the burn rates.
 */
export function budgetSection(status: SloStatus): string {
  const rows = status.objectives.map((o) => {
    const left = o.budget.left;
    const bar =
      left === null
        ? '–'
        : `<meter class="budget" min="0" max="1" low="0.25" high="0.5" optimum="1" value="${+Math.max(0, Math.min(1, left)).toFixed(4)}" title="${h(budgetLeftText(o))}">${h(budgetLeftText(o))}</meter> ${h(left <= 0 ? 'spent' : `${percentLeft(left)} %`)}`;
    const burn = (b: number | null) => (b === null ? '–' : h(formatBurn(b)));
    return [
      h(objectiveLabel(o, status.windowDays)),
      h(o.sli === null ? '–' : formatTarget(o.sli)),
      h(`${num(o.counts.bad)} of ${num(o.counts.valid)}`),
      h(num(Math.round(o.budget.allowed))),
      bar,
      burn(o.burn.hour),
      burn(o.burn.sixHours),
      h(exhaustionText(o) || '–'),
    ];
  });
  const invalid =
    status.runs.invalid > 0
      ? `<p class="muted">${h(`${num(status.runs.invalid)} of ${num(status.runs.total)} runs in the window were invalid and are not counted.`)}</p>`
      : '';
  return `<div class="slo"><h3>Error budget (${h(`${status.windowDays} days to ${status.to}`)})</h3>${table(
    ['objective', 'SLI', 'bad', 'allowed', 'budget left', 'burn 1 h', 'burn 6 h', 'at this rate'],
    rows,
    { numeric: [1, 2, 3, 5, 6], nowrap: [4] },
  )}${invalid}</div>`;
}
