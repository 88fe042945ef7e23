import type { ChainSpec } from "@sift/learn";

/** What a block of a page is. The chain's topology allows one main article per page. */
export const Label = {
  /** Chrome before the article. */
  pre: 0,
  title: 1,
  /** The article's source line: site, age, byline, date. */
  source: 2,
  body: 3,
  /** Chrome inside the article (an ad slot, a caption, "Read more"). */
  inner: 4,
  /** Chrome after the article. */
  post: 5,
  relatedTitle: 6,
  relatedSource: 7,
  relatedBody: 8,
} as const;
export type Label = (typeof Label)[keyof typeof Label];
export const LABELS = 9;
export const labelNames = ["pre", "title", "source", "body", "inner", "post", "rtitle", "rsource", "rbody"] as const;

const L = Label;
const NEXT: Record<number, number[]> = {
  [L.pre]: [L.pre, L.title, L.source, L.body],
  [L.title]: [L.title, L.source, L.body, L.inner],
  [L.source]: [L.source, L.title, L.body, L.inner],
  [L.body]: [L.body, L.inner, L.post, L.relatedTitle, L.relatedSource],
  [L.inner]: [L.inner, L.body, L.post],
  [L.post]: [L.post, L.relatedTitle, L.relatedSource],
  [L.relatedTitle]: [L.relatedTitle, L.relatedSource, L.relatedBody, L.post],
  [L.relatedSource]: [L.relatedSource, L.relatedTitle, L.relatedBody],
  [L.relatedBody]: [L.relatedBody, L.relatedTitle, L.relatedSource, L.post],
};
const FIRST = [L.pre, L.title, L.source, L.body];
const LAST = [L.pre, L.title, L.source, L.body, L.post, L.relatedTitle, L.relatedBody, L.relatedSource];

export const pageChain: ChainSpec = (() => {
  const allowed = new Uint8Array((LABELS + 1) * LABELS);
  for (const [p, next] of Object.entries(NEXT)) for (const y of next) allowed[Number(p) * LABELS + y] = 1;
  for (const y of FIRST) allowed[LABELS * LABELS + y] = 1;
  const canEnd = new Uint8Array(LABELS);
  for (const y of LAST) canEnd[y] = 1;
  // shared emission rows: chrome looks alike wherever it stands, and so do titles, source lines and prose
  const CHROME = LABELS;
  const SOURCE = LABELS + 1;
  const TITLE = LABELS + 2;
  const TEXT = LABELS + 3;
  const classes = [
    [L.pre, CHROME],
    [L.title, TITLE],
    [L.source, SOURCE],
    [L.body, TEXT],
    [L.inner, CHROME],
    [L.post, CHROME],
    [L.relatedTitle, TITLE],
    [L.relatedSource, SOURCE],
    [L.relatedBody, TEXT],
  ];
  return { labels: LABELS, allowed, canEnd, classes };
})();

export const maskOf = (...labels: number[]): number => labels.reduce((m, y) => m | (1 << y), 0);
/** Anything but the article's text and title. */
export const NOT_MAIN = maskOf(L.pre, L.source, L.inner, L.post);
export const ANY = (1 << LABELS) - 1;
