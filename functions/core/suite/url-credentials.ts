import type { z } from 'zod';
import { failWith, nonEmptyString, patterned } from './fields.ts';

/** What to do instead of `user:password@` in a suite's URL: the password then lives in a secret. */
export const CREDENTIALS_FIX =
  'a URL without "user:password@": move the password to a secret (variables: { basic: { secret: "ssm:/bank/prod/basic" } }, the value "user:password" base64-encoded) and send it with headers.authorization: "Basic ${basic}"';

/**
 * True when a URL carries userinfo (`scheme://user[:password]@host`). Read on the text, before any parsing: a
 * parser would drop it without a word, and the request would go out without credentials.
 */
export function hasUserinfo(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i.test(url);
}

const refuseUserinfo = (input: string, ctx: z.RefinementCtx) =>
  hasUserinfo(input) ? failWith(ctx, 'a URL with user:password@', CREDENTIALS_FIX) : input;

/** An environment's baseUrl: http(s), never with credentials in it (never printed, never dropped). */
export const baseUrlSchema = patterned(
  /^https?:\/\/[^\s/]+(\/\S*)?$/,
  'an http(s) URL like "https://api.example.com"',
).transform(refuseUserinfo);

/** A request's URL or path, never with credentials in it. */
export const requestUrlSchema = nonEmptyString(
  'a URL like "${baseUrl}/accounts" or a path like "/accounts"',
).transform(refuseUserinfo);
