import { z } from 'zod';
import { cronFiringProblem } from './cron-times.ts';
import { describeValue, failWith } from './fields.ts';
import { scheduleExpressionProblem } from './schedule-expression.ts';

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const EXPECTED_EXPRESSION =
  'a schedule like "rate(5 minutes)", "rate(1 hour)" or "cron(0/15 * * * ? *)" (six cron fields)';

/** What is wrong with an expression, as "expected …, got …"; undefined when Scheduler would accept it. */
function expressionProblem(input: unknown): string | undefined {
  if (typeof input !== 'string') return `expected ${EXPECTED_EXPRESSION}, got ${describeValue(input)}`;
  return scheduleExpressionProblem(input);
}

/**
 * Why a valid expression would still never run a probe: a cron() that does not fire within a year from now (its
 * time zone decides where a day starts).
 */
function firingProblem(expression: string, timezone: string): string | undefined {
  return expression.startsWith('cron(') ? cronFiringProblem(expression, timezone, new Date()) : undefined;
}

/** `"rate(5 minutes)"` or `{ expression, timezone }`; the time zone defaults to UTC. */
export const scheduleSchema = z.unknown().transform((input, ctx): Schedule => {
  if (typeof input === 'string') {
    const problem = expressionProblem(input) ?? firingProblem(input, 'UTC');
    if (problem === undefined) return { expression: input, timezone: 'UTC' };
    ctx.addIssue({ code: 'custom', message: problem, input });
    return z.NEVER;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return failWith(ctx, input, `${EXPECTED_EXPRESSION}, or { expression, timezone }`);
  }
  const { expression, timezone = 'UTC', ...rest } = input as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(rest)) {
    ctx.addIssue({ code: 'custom', path: [key], message: 'unknown field (expected expression, timezone)' });
    ok = false;
  }
  const problem = expressionProblem(expression);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['expression'], message: problem });
    ok = false;
  }
  if (typeof timezone !== 'string' || !isTimeZone(timezone)) {
    ctx.addIssue({
      code: 'custom',
      path: ['timezone'],
      message: `expected an IANA time zone like "UTC" or "Europe/Paris", got ${describeValue(timezone)}`,
    });
    ok = false;
  }
  if (!ok) return z.NEVER;
  const firing = firingProblem(expression as string, timezone as string);
  if (firing !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['expression'], message: firing });
    return z.NEVER;
  }
  return { expression: expression as string, timezone: timezone as string };
});

export type Schedule = { readonly expression: string; readonly timezone: string };
