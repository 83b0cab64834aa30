/**
 * An RFC 9651 sf-string: quoted, with `"` and `\` escaped. Policy names are validated to safe
 * characters already; this keeps the writer correct for any name it is handed.
 */
export function sfString(text: string): string {
  let escaped = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) continue; // not representable in an sf-string
    escaped += char === '"' || char === '\\' ? '\\' + char : char;
  }
  return '"' + escaped + '"';
}
