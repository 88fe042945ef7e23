import { isSpace } from "@sift/page";

export { isSpace };

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
