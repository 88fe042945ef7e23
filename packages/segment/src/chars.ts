/** True for every code unit that JavaScript's `\s` matches, so trimming here agrees with `String#trim`. */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 5760 ||
    (c >= 8192 && c <= 8202) ||
    c === 8232 ||
    c === 8233 ||
    c === 8239 ||
    c === 8287 ||
    c === 12288 ||
    c === 65279
  );
}

const UPPER = /\p{Lu}|\p{Lt}/u;
const LOWER = /\p{Ll}/u;

export function isUpperAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 65 && c <= 90) return true;
  if (c < 128) return false;
  return UPPER.test(String.fromCodePoint(text.codePointAt(i) ?? 0));
}

export function isLowerAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 97 && c <= 122) return true;
  if (c < 128) return false;
  return LOWER.test(String.fromCodePoint(text.codePointAt(i) ?? 0));
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The span of `text[start, end)` without leading and trailing whitespace, or null when only whitespace. */
export function trimSpan(text: string, start: number, end: number): { start: number; end: number } | null {
  let s = start;
  let e = end;
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  return s < e ? { start: s, end: e } : null;
}
