import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  jsonStringContent,
  TemplateError,
  urlSafe,
} from '../../../../functions/core/flows/flow-template.ts';

const scope = (captures: string[] = [], fixed: Record<string, string> = {}) => ({
  fixed,
  lists: { users: ['u1', 'u2'] },
  captures: new Set(captures),
});

describe('compileTemplate', () => {
  it('joins fixed values ahead and fills captures per use, never scanning a filled value again', () => {
    const t = compileTemplate('/a/${secret}/${id}', scope(['id'], { secret: 's${id}' }));

    expect(t.prefix).toBe('/a/s${id}/');
    expect(t.fill({ id: '${uuid}' })).toBe('/a/s${id}/${uuid}');
  });

  it('is constant when nothing is filled per use', () => {
    const t = compileTemplate('https://x.example/${k}', scope([], { k: 'v' }));

    expect(t.dynamic).toBe(false);
    expect(t.fill({})).toBe('https://x.example/v');
  });

  it('gives a fresh uuid per use, and randomInt within its bounds', () => {
    const t = compileTemplate('${uuid} ${randomInt(-2,2)} ${pick(users)}', scope());
    const fills = Array.from({ length: 200 }, () => t.fill({}).split(' '));

    expect(new Set(fills.map(([uuid]) => uuid)).size).toBe(200);
    expect(new Set(fills.map(([, n]) => n))).toEqual(new Set(['-2', '-1', '0', '1', '2']));
    expect(new Set(fills.map(([, , user]) => user))).toEqual(new Set(['u1', 'u2']));
  });

  it('escapes filled values for their place: URL-unsafe characters, JSON string content', () => {
    const inUrl = compileTemplate('/x/${id}', scope(['id']), urlSafe);
    const inJson = compileTemplate('{"id":"${id}"}', scope(['id']), jsonStringContent);

    expect(inUrl.fill({ id: 'a b/ü?q=1&r=%20' })).toBe('/x/a%20b/%C3%BC?q=1&r=%20');
    expect(JSON.parse(inJson.fill({ id: 'say "hi"\n' }))).toEqual({ id: 'say "hi"\n' });
  });

  it('refuses a placeholder validation should have refused, naming it', () => {
    expect(() => compileTemplate('${token}', scope())).toThrow(TemplateError);
    expect(() => compileTemplate('${randomInt(3,1)}', scope())).toThrow(
      'expected ${randomInt(a,b)} with whole numbers a ≤ b, got ${randomInt(3,1)}',
    );
  });
});
