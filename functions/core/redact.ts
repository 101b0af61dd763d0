/** What replaces a secret value in any text a run produces. */
export const REDACTED = '***';

export type Redactor = (text: string) => string;

/** The identity redactor: a run without secrets. */
export const noRedaction: Redactor = (text) => text;

/**
 * One redactor for every text a run produces (sample errors, messages, logs): each resolved secret value is
 * replaced by `***`, case-insensitively (DNS lowercases host names, so a secret in a host comes back lowered),
 * in its raw and its percent-encoded form (a secret in a URL path is encoded there). Longest values first, so a
 * secret containing another is replaced whole.
 */
export function createRedactor(secretValues: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const value of secretValues) {
    if (value.length === 0) continue;
    forms.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) forms.add(encoded);
  }
  if (forms.size === 0) return noRedaction;
  const pattern = new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'gi',
  );
  return (text) => text.replace(pattern, REDACTED);
}
