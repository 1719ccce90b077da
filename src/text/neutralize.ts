/**
 * Neutralizes untrusted text (model names, tags, approval comments, server replies) before it
 * reaches stdout or stderr. The Azure Pipelines agent runs a `##vso[` logging command found
 * anywhere in a line and formats `##[group]`-style lines, so both prefixes are broken up,
 * whatever their letter case. The rewrite matches task-lib's `writeExternalOutput`
 * (`##vso[` becomes `##_vso[`). ANSI escape sequences and other control characters except
 * tab and line breaks are removed so that text cannot hide or rewrite earlier log lines.
 */
export function neutralize(text: string): string {
  // The control characters in these patterns are what the function removes.
  /* eslint-disable no-control-regex */
  return text
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/##(\s*)vso\[/gi, (_match, space: string) => `##_${space}vso[`)
    .replace(/##(\s*)\[/g, (_match, space: string) => `##_${space}[`);
  /* eslint-enable no-control-regex */
}

/** Neutralizes text and folds it onto one line, for values shown inside a longer message. */
export function neutralizeInline(text: string, maxLength = 200): string {
  const single = neutralize(text).replace(/\r\n|\r|\n/g, ' ⏎ ');
  return single.length > maxLength ? `${single.slice(0, maxLength)}…` : single;
}

/** Quotes a value for an error message: JSON string syntax, neutralized and shortened. */
export function quote(value: unknown, maxLength = 120): string {
  // JSON.stringify writes Infinity and NaN as null, which would hide why a number such as 1e999 is invalid.
  const json = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return neutralizeInline(json, maxLength);
}
