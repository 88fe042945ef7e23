import { InvalidInputError } from "@sift/contracts";

/** Limits checked while a file is read, so that no input costs more than its size says. */
export interface SegmentLimits {
  /**
   * Lines of a text or Markdown file: each line may be a paragraph, and a paragraph costs far more than its characters.
   * @default 1_000_000
   */
  maxLines: number;
  /**
   * Elements open inside each other in an HTML page (browsers stop nesting at 512; parsers slow down far past it).
   * @default 1000
   */
  maxHtmlDepth: number;
  /**
   * Bytes the parts of a Word file (a zip) inflate to, declared or actual, all parts together.
   * @default 67_108_864 (64 MiB)
   */
  maxInflatedBytes: number;
  /**
   * Entries of a zip container.
   * @default 10_000
   */
  maxZipEntries: number;
  /**
   * Pages of a PDF.
   * @default 2000
   */
  maxPdfPages: number;
  /**
   * Characters of text taken out of a PDF or a Word file (their text can be far larger than the file).
   * @default 32_000_000
   */
  maxTextChars: number;
}

export const DEFAULT_LIMITS: SegmentLimits = {
  maxLines: 1_000_000,
  maxHtmlDepth: 1000,
  maxInflatedBytes: 64 * 1024 * 1024,
  maxZipEntries: 10_000,
  maxPdfPages: 2000,
  maxTextChars: 32_000_000,
};

/** Thrown when a file is over one of the limits at the door: it fails at once, with the limit named. */
export class LimitExceededError extends InvalidInputError {
  override name = "LimitExceededError";
}

/** Fails a text with more lines than `max`. */
export function checkLines(text: string, name: string, max: number): void {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    if (++n > max)
      throw new LimitExceededError(
        "TOO_MANY_LINES",
        `${name}: more than ${max} lines (${countLines(text)}); the limit is SIFT_MAX_LINES`,
      );
  }
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

const VOID = new Set(
  "area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr".split(
    " ",
  ),
);
/** Elements whose content is text up to their end tag: tags inside them do not nest. */
const RAW = new Set("script style textarea title xmp iframe noembed noframes plaintext".split(" "));
const P = new Set(["p"]);
const FORM = new Set(["input", "option", "optgroup", "select", "button", "datalist", "textarea"]);
/** An opening tag closes these when they are open on top (htmlparser2's table, which the page reader uses). */
const IMPLIES_CLOSE = new Map<string, Set<string>>([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["body", new Set(["head", "link", "script"])],
  ["li", new Set(["li"])],
  ["option", new Set(["option"])],
  ["optgroup", new Set(["optgroup", "option"])],
  ["dd", new Set(["dd", "dt"])],
  ["dt", new Set(["dd", "dt"])],
  ["rt", new Set(["rt", "rp"])],
  ["rp", new Set(["rt", "rp"])],
  ["tbody", new Set(["thead", "tbody"])],
  ["tfoot", new Set(["thead", "tbody"])],
  ...["select", "input", "output", "button", "datalist", "textarea"].map((t) => [t, FORM] as [string, Set<string>]),
  ...(
    "p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form " +
    "header hr main nav ol pre section table ul"
  )
    .split(" ")
    .map((t) => [t, P] as [string, Set<string>]),
]);

/**
 * How deep elements nest in `html`, as an HTML parser builds the tree (void elements, implied closes,
 * self-closing tags inside SVG and MathML), in one pass; stops counting once past `stopAbove`.
 */
export function htmlDepth(html: string, stopAbove = Number.POSITIVE_INFINITY): number {
  const stack: string[] = [];
  const open = new Map<string, number>();
  let foreign = 0;
  let max = 0;
  const pop = () => {
    const top = stack.pop() as string;
    open.set(top, (open.get(top) ?? 1) - 1);
    if (top === "svg" || top === "math") foreign--;
  };
  const n = html.length;
  let i = html.indexOf("<");
  while (i >= 0 && i < n) {
    const c = html.charCodeAt(i + 1);
    if (html.startsWith("<!--", i)) {
      const e = html.indexOf("-->", i + 4);
      i = e < 0 ? n : html.indexOf("<", e + 3);
      continue;
    }
    const closing = c === 47; // "/"
    const nameStart = closing ? i + 2 : i + 1;
    const first = html.charCodeAt(nameStart) | 32;
    if (first < 97 || first > 122) {
      // "<!doctype", "<?xml", a lone "<": no element
      i = html.indexOf("<", i + 1);
      continue;
    }
    let nameEnd = nameStart;
    while (nameEnd < n && !isNameEnd(html.charCodeAt(nameEnd))) nameEnd++;
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    const gt = html.indexOf(">", nameEnd);
    if (gt < 0) break;
    if (closing) {
      if ((open.get(name) ?? 0) > 0) {
        while (stack.length > 0 && stack[stack.length - 1] !== name) pop();
        if (stack.length > 0) pop();
      }
    } else {
      const closes = IMPLIES_CLOSE.get(name);
      while (closes && stack.length > 0 && closes.has(stack[stack.length - 1] as string)) pop();
      const selfClosing = html.charCodeAt(gt - 1) === 47 && foreign > 0;
      if (!VOID.has(name) && !selfClosing) {
        stack.push(name);
        open.set(name, (open.get(name) ?? 0) + 1);
        if (name === "svg" || name === "math") foreign++;
        if (stack.length > max) {
          max = stack.length;
          if (max > stopAbove) return max;
        }
        if (RAW.has(name)) {
          const end = indexOfCaseless(html, `</${name}`, gt + 1);
          const endGt = end < 0 ? -1 : html.indexOf(">", end);
          if (endGt < 0) break;
          pop();
          i = html.indexOf("<", endGt + 1);
          continue;
        }
      }
    }
    i = html.indexOf("<", gt + 1);
  }
  return max;
}

function isNameEnd(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13 || c === 47 || c === 62;
}

const endTags = new Map<string, RegExp>();

/** Where the end tag `</name` next comes, in any case. */
function indexOfCaseless(s: string, needle: string, from: number): number {
  let re = endTags.get(needle);
  if (!re) {
    re = new RegExp(needle, "gi");
    endTags.set(needle, re);
  }
  re.lastIndex = from;
  return re.exec(s)?.index ?? -1;
}

/** Fails an HTML page whose elements nest deeper than `max`. */
export function checkHtmlDepth(html: string, name: string, max: number): void {
  const depth = htmlDepth(html, max);
  if (depth > max)
    throw new LimitExceededError(
      "HTML_TOO_DEEP",
      `${name}: elements nested more than ${max} deep; the limit is SIFT_MAX_HTML_DEPTH`,
    );
}

/** C0 controls other than tab, line feed, vertical tab, form feed and carriage return; and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/g;

/** Control characters of a text, each replaced by a space (so every offset stays), and how many there were. */
export function blankControls(text: string): { text: string; count: number } {
  let count = 0;
  const out = text.replace(CONTROL, () => {
    count++;
    return " ";
  });
  return { text: out, count };
}
