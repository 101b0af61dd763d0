/** Text for HTML element content and quoted attribute values: nothing in it can open a tag or end a quote. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON to put inside `<script type="application/json">`: `<` becomes `\u003c`, so no `</script>` or `<!--` in the
 * data can end or change the element, and U+2028/U+2029 are escaped for older parsers. JSON.parse reads it back
 * unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
