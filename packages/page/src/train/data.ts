import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import chardet from "chardet";
import { convert } from "html-to-text";
import iconv from "iconv-lite";

/** A real page of the dev sets, with what is known of its main text. */
export interface DevPage {
  set: "ae" | "te";
  id: string;
  url: string;
  html: string;
  /** article-extraction-dev: the full article body. */
  gold?: string;
  /** trafilatura-eval-dev: snippets that must and must not be in the main text. */
  with?: string[];
  without?: string[];
}

/** The independent converter of the issue: html-to-text, no wrapping, no link targets or images, headings as written. */
export function flattenHtml(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, options: { uppercase: false } })),
    ],
  });
}

const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i;

/** Bytes of a web page as text: its declared charset, else UTF-8 when valid, else chardet's guess. */
export function decodeHtml(bytes: Buffer): string {
  const head = bytes.subarray(0, 4096).toString("latin1");
  const declared = META_CHARSET.exec(head)?.[1]?.toLowerCase();
  if (declared && iconv.encodingExists(declared)) return iconv.decode(bytes, declared);
  const utf8 = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (!utf8.includes("\ufffd")) return utf8;
  const guess = chardet.detect(bytes);
  return guess && iconv.encodingExists(guess) ? iconv.decode(bytes, guess) : utf8;
}

export function sharedDir(): string {
  return process.env.SIFT_SHARED ?? join(import.meta.dirname, "..", "..", "..", "..", "..", "shared");
}

/** article-extraction-dev pages, sorted by id; null when absent. */
export function loadArticleExtraction(shared = sharedDir()): DevPage[] | null {
  const dir = join(shared, "data", "article-extraction-dev");
  if (!existsSync(join(dir, "ground-truth.json"))) return null;
  const gt = JSON.parse(readFileSync(join(dir, "ground-truth.json"), "utf8")) as Record<
    string,
    { articleBody: string; url: string }
  >;
  return readdirSync(join(dir, "html"))
    .filter((f) => f.endsWith(".html.gz"))
    .sort()
    .map((f) => {
      const id = f.replace(".html.gz", "");
      return {
        set: "ae" as const,
        id,
        url: gt[id]?.url ?? "",
        html: gunzipSync(readFileSync(join(dir, "html", f))).toString("utf8"),
        gold: gt[id]?.articleBody ?? "",
      };
    });
}

/** trafilatura-eval-dev pages, sorted by file name; null when absent. */
export function loadTrafilaturaEval(shared = sharedDir()): DevPage[] | null {
  const dir = join(shared, "data", "trafilatura-eval-dev");
  if (!existsSync(join(dir, "evaldata.json"))) return null;
  const ev = JSON.parse(readFileSync(join(dir, "evaldata.json"), "utf8")) as Record<
    string,
    { url: string; with: string[]; without: string[] }
  >;
  return Object.keys(ev)
    .sort()
    .filter((f) => existsSync(join(dir, "html", `${f}.gz`)))
    .map((f) => {
      const e = ev[f] as { url: string; with: string[]; without: string[] };
      return {
        set: "te" as const,
        id: f,
        url: e.url,
        html: decodeHtml(gunzipSync(readFileSync(join(dir, "html", `${f}.gz`)))),
        with: e.with,
        without: e.without,
      };
    });
}
