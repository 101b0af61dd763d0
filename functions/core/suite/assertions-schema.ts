import { z } from 'zod';
import { bytes, failWith, patterned } from './fields.ts';
import { HEADER_NAME } from './headers.ts';

const statusSchema = z.unknown().transform((input, ctx) => {
  const expected =
    'a status code (200), a class ("2xx"), a list ([200, 201]) or a range ({ min: 200, max: 299 })';
  const isCode = (v: unknown): v is number =>
    Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;
  if (isCode(input)) return { min: input, max: input, codes: [input] };
  if (typeof input === 'string' && /^[1-5]xx$/.test(input)) {
    const base = Number(input[0]) * 100;
    return { min: base, max: base + 99, codes: undefined };
  }
  if (Array.isArray(input) && input.length > 0 && input.every(isCode)) {
    return { min: Math.min(...input), max: Math.max(...input), codes: input };
  }
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const { min, max } = input as { min?: unknown; max?: unknown };
    if (isCode(min) && isCode(max) && min <= max && Object.keys(input).length === 2) {
      return { min, max, codes: undefined };
    }
  }
  return failWith(ctx, input, expected);
});

const headerAssertion = z.union([
  z.literal(true),
  z.string(),
  z.strictObject({ equals: z.string().optional(), contains: z.string().optional() }),
]);

const jsonAssertion = z.unknown().transform((input, ctx) => {
  if (input === null || ['string', 'number', 'boolean'].includes(typeof input)) return { equals: input };
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const keys = Object.keys(input);
    if (keys.length === 1 && keys[0] === 'equals') return { equals: (input as { equals: unknown }).equals };
    if (
      keys.length === 1 &&
      keys[0] === 'exists' &&
      typeof (input as { exists: unknown }).exists === 'boolean'
    ) {
      return { exists: (input as { exists: boolean }).exists };
    }
  }
  return failWith(ctx, input, 'a value to equal, { equals: value } or { exists: true | false }');
});

/** A JSON path as assertions and captures read it: `$.data.items[0].id`. */
export const JSON_PATH = /^\$(\.[A-Za-z_$][\w$-]*|\[\d+\])*$/;

export const assertionsSchema = z.strictObject({
  status: statusSchema.optional(),
  headers: z.record(patterned(HEADER_NAME, 'a header name (RFC 9110 token)'), headerAssertion).optional(),
  json: z.record(patterned(JSON_PATH, 'a JSON path like "$.data.items[0].id"'), jsonAssertion).optional(),
  bodyContains: z.union([z.string(), z.array(z.string())]).optional(),
  maxBodyBytes: bytes().optional(),
});

export type AssertionsSpec = z.output<typeof assertionsSchema>;
