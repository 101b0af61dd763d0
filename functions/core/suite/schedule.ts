import { z } from 'zod';
import { describeValue, failWith } from './fields.ts';
import { RATE } from './limits.ts';

// EventBridge Scheduler cron: minutes hours day-of-month month day-of-week year.
const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const EXPECTED_EXPRESSION =
  'a schedule like "rate(5 minutes)", "rate(1 hour)" or "cron(0/15 * * * ? *)" (six cron fields)';

function isExpression(input: unknown): input is string {
  if (typeof input !== 'string') return false;
  const rate = RATE.exec(input);
  if (rate) {
    const n = Number(rate[1]);
    // Scheduler rejects "rate(1 minutes)" and "rate(5 minute)" at deploy time: catch it here.
    return n >= 1 && (rate[2] as string).endsWith('s') === n > 1;
  }
  return CRON.test(input);
}

/** `"rate(5 minutes)"` or `{ expression, timezone }`; the time zone defaults to UTC. */
export const scheduleSchema = z.unknown().transform((input, ctx): Schedule => {
  if (typeof input === 'string') {
    return isExpression(input)
      ? { expression: input, timezone: 'UTC' }
      : failWith(ctx, input, EXPECTED_EXPRESSION);
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
  if (!isExpression(expression)) {
    ctx.addIssue({
      code: 'custom',
      path: ['expression'],
      message: `expected ${EXPECTED_EXPRESSION}, got ${describeValue(expression)}`,
    });
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
  return ok ? { expression: expression as string, timezone: timezone as string } : z.NEVER;
});

export type Schedule = { readonly expression: string; readonly timezone: string };
