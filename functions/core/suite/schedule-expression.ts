// EventBridge Scheduler's grammar for schedule expressions, checked before deploy: Scheduler refuses a bad one
// only when the stack is created, long after `perfprobe validate` said "deployable".
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min + 1, … (JAN = 1, SUN = 1). */
  readonly names?: readonly string[];
  readonly wildcards: string;
}

const FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59, wildcards: ', - * /' },
  { name: 'hours', min: 0, max: 23, wildcards: ', - * /' },
  { name: 'day-of-month', min: 1, max: 31, wildcards: ', - * ? / L W' },
  { name: 'month', min: 1, max: 12, names: MONTHS, wildcards: ', - * /' },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, wildcards: ', - * ? L #' },
  { name: 'year', min: 1970, max: 2199, wildcards: ', - * /' },
];

const DOM = 2;
const DOW = 4;

/** A value of a field (a number or a name), or undefined when it is neither or out of range. */
function fieldValue(field: CronField, text: string): number | undefined {
  const named = field.names?.indexOf(text) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

function expectedValues(field: CronField): string {
  const names = field.names ? ` or ${field.names[0]}–${field.names[field.names.length - 1]}` : '';
  return `${field.min}–${field.max}${names}`;
}

/** What was expected and what was found instead, within one cron field. */
interface FieldProblem {
  readonly expected: string;
  readonly got: string;
}

/** One item of a comma list: `*`, `5`, `1-5`, `*\/10`, `0/15`, `10-30/5`. */
function itemProblem(field: CronField, item: string): FieldProblem | undefined {
  const [range = '', step, ...extra] = item.split('/');
  if (extra.length > 0) return { expected: 'a single "/" increment', got: item };
  if (step !== undefined) {
    const span = field.max - field.min + 1;
    if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > span) {
      return { expected: `an increment between 1 and ${span} after "/"`, got: item };
    }
  }
  if (range === '*') return undefined;
  const [from = '', to, ...more] = range.split('-');
  if (more.length > 0) return { expected: `a range like "${field.min}-${field.max}"`, got: range };
  if (fieldValue(field, from) === undefined)
    return { expected: `values ${expectedValues(field)}`, got: from };
  if (to === undefined) return undefined;
  if (fieldValue(field, to) === undefined) return { expected: `values ${expectedValues(field)}`, got: to };
  if (fieldValue(field, to)! < fieldValue(field, from)!)
    return { expected: 'a range from low to high', got: range };
  return undefined;
}

/** What is wrong with one field, if anything. `L`, `W` and `#` stand alone in their field, as Scheduler wants. */
function fieldProblem(index: number, text: string): FieldProblem | undefined {
  const field = FIELDS[index]!;
  if (text === '?') {
    return index === DOM || index === DOW
      ? undefined
      : { expected: 'no "?" (only the two day fields take it)', got: text };
  }
  if (index === DOM && (text === 'L' || text === 'LW')) return undefined;
  if (index === DOM && /W$/.test(text)) {
    return fieldValue(field, text.slice(0, -1)) === undefined
      ? { expected: 'a day 1–31 before "W" (the nearest weekday), like "15W"', got: text }
      : undefined;
  }
  if (index === DOW && text === 'L') return undefined;
  if (index === DOW && /L$/.test(text)) {
    return fieldValue(field, text.slice(0, -1)) === undefined
      ? { expected: 'a day 1–7 or SUN–SAT before "L" (the last of the month), like "6L"', got: text }
      : undefined;
  }
  if (index === DOW && text.includes('#')) {
    if (text.includes(',')) {
      return { expected: 'a single "#" expression (Scheduler reads "3#1,6#3" as two)', got: text };
    }
    const [day = '', nth = ''] = text.split('#');
    return fieldValue(field, day) === undefined || !/^[1-5]$/.test(nth)
      ? { expected: 'a day 1–7 or SUN–SAT, "#" and its instance 1–5 in the month, like "3#2"', got: text }
      : undefined;
  }
  for (const item of text.split(',')) {
    if (item === '') return { expected: 'a list without empty items', got: text };
    const problem = itemProblem(field, item);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * What is wrong with `cron(minutes hours day-of-month month day-of-week year)` for EventBridge Scheduler, in the
 * words of an error message ("expected …, got …"), or undefined when Scheduler accepts it.
 */
export function cronProblem(expression: string): string | undefined {
  const quoted = JSON.stringify(expression);
  const inner = /^cron\((.*)\)$/.exec(expression)?.[1]?.trim();
  if (inner === undefined) return `expected "cron(…)", got ${quoted}`;
  const fields = inner === '' ? [] : inner.split(/\s+/);
  if (fields.length !== 6) {
    return `expected six cron fields (minutes hours day-of-month month day-of-week year), got ${fields.length} in ${quoted}`;
  }
  for (const [index, text] of fields.entries()) {
    const problem = fieldProblem(index, text);
    if (problem !== undefined) {
      const field = FIELDS[index]!;
      return `expected ${problem.expected} in the ${field.name} field (wildcards ${field.wildcards}), got "${problem.got}" in ${quoted}`;
    }
  }
  const domAny = fields[DOM] === '?';
  if (domAny === (fields[DOW] === '?')) {
    const got = domAny ? '"?" in both' : `"${fields[DOM]}" and "${fields[DOW]}"`;
    return `expected "?" in exactly one of day-of-month and day-of-week (Scheduler cannot combine them), got ${got} in ${quoted}`;
  }
  return undefined;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

/** What is wrong with `rate(N unit)` for EventBridge Scheduler, or undefined when it accepts it. */
export function rateProblem(expression: string): string | undefined {
  const match = RATE.exec(expression);
  if (!match) {
    return `expected "rate(N unit)" with a whole N and a unit of minutes, hours or days, like "rate(5 minutes)" or "rate(1 hour)", got ${JSON.stringify(expression)}`;
  }
  const n = Number(match[1]);
  const unit = match[2] as string;
  const singular = unit.replace(/s$/, '');
  if (n < 1) return `expected a rate of at least 1, got ${JSON.stringify(expression)}`;
  // Scheduler refuses "rate(1 minutes)" and "rate(5 minute)".
  if (n === 1 && unit !== singular)
    return `expected "rate(1 ${singular})" (singular for 1), got ${JSON.stringify(expression)}`;
  if (n > 1 && unit === singular)
    return `expected "rate(${n} ${singular}s)" (plural above 1), got ${JSON.stringify(expression)}`;
  return undefined;
}

/** What is wrong with a schedule expression, or undefined when EventBridge Scheduler accepts it. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  if (expression.startsWith('rate(')) return rateProblem(expression);
  if (expression.startsWith('cron(')) return cronProblem(expression);
  return `expected a schedule like "rate(5 minutes)", "rate(1 hour)" or "cron(0/15 * * * ? *)" (six cron fields), got ${JSON.stringify(expression)}`;
}
