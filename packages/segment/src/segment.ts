import { type FileMeta, InvalidInputError, type SegmentedDocument, UnsupportedMediaTypeError } from "@sift/contracts";
import { identifyLanguage, type Language, type PageModel, type PageReading, type ReadOptions } from "@sift/page";
import { decodeBytes } from "./decode.js";
import { draftDocx, extractDocxText } from "./docx.js";
import { assemble, type Draft } from "./draft.js";
import { draftHtml } from "./html.js";
import { blankControls, checkHtmlDepth, checkLines, DEFAULT_LIMITS, type SegmentLimits } from "./limits.js";
import { draftMarkdown } from "./markdown.js";
import { DOCX, looksBinary, normaliseMediaType } from "./media-type.js";
import { draftsOfTextPage, readTextPage } from "./page.js";
import { draftPdf, extractPdfText } from "./pdf.js";

export interface SegmentInput {
  file: FileMeta;
  bytes: Uint8Array;
  /** Limits at the door; each one left out has its default (`DEFAULT_LIMITS`). */
  limits?: Partial<SegmentLimits>;
}

export interface SegmentOptions {
  /**
   * The line memory of the file's source: in how many earlier pages each line key was seen (a feature of
   * the page model). The keys of this page's lines are pushed onto `keys`, for the caller to record.
   */
  memory?: { seen: ReadonlyMap<string, number>; keys: string[] };
  /** Another page model than the committed one (cross-validation). */
  model?: PageModel;
  /** The second reading's model of HTML pages that goes with `model` (see `ReadOptions.htmlModel`). */
  htmlModel?: PageModel;
}

/**
 * Splits a file into documents (the main article and each related or teaser item), each with its
 * paragraphs, sentences and a map from its text to the decoded text of the file.
 * Throws UnsupportedMediaTypeError for a type Sift does not read, InvalidInputError for empty,
 * binary or corrupt input and for input over a limit (LimitExceededError).
 */
export async function segmentFile(input: SegmentInput, opts: SegmentOptions = {}): Promise<SegmentedDocument[]> {
  const { bytes } = input;
  const limits: SegmentLimits = { ...DEFAULT_LIMITS, ...input.limits };
  let file = input.file;
  if (bytes.length === 0) throw new InvalidInputError("EMPTY_FILE", `${file.name}: the file is empty`);
  const mediaType = normaliseMediaType(file.mediaType);
  let drafts: Draft[];
  let pageLanguage: Language | undefined;
  let pageChars = 0;
  const warnings: string[] = [];
  if (mediaType === "text/plain" || mediaType === "text/markdown" || mediaType === "text/html") {
    if (looksBinary(bytes))
      throw new InvalidInputError("BINARY_FILE", `${file.name}: binary content in a ${file.mediaType} file`);
    const decoded = decodeBytes(bytes, { html: mediaType === "text/html" });
    file = { ...file, charset: decoded.charset };
    warnings.push(...decoded.warnings);
    // a space for each control character: the text reads on, and every offset into the decoded text stays
    const { text, count } = blankControls(decoded.text);
    if (count > 0) warnings.push(`${count} control character(s) such as NUL in the text were replaced by spaces`);
    if (mediaType === "text/html") checkHtmlDepth(text, file.name, limits.maxHtmlDepth);
    else checkLines(text, file.name, limits.maxLines);
    const read = { mtime: file.mtime, seen: opts.memory?.seen, model: opts.model, htmlModel: opts.htmlModel };
    const { drafts: found, reading } =
      mediaType === "text/html"
        ? draftHtml(text, read)
        : mediaType === "text/markdown"
          ? draftMarkdown(text, read)
          : textPage(text, read);
    opts.memory?.keys.push(...reading.keys);
    pageLanguage = reading.language;
    for (const b of reading.blocks) pageChars += b.text.length;
    if (!found.some((d) => d.paragraphs.length > 0))
      throw new InvalidInputError(
        "NO_BODY",
        `${file.name}: no text to keep: all ${reading.blocks.length} blocks of the page read as chrome (menus, links, notices)`,
      );
    drafts = found;
  } else if (mediaType === "application/pdf") {
    const pdf = await extractPdfText(bytes, file.name, limits);
    if (pdf.paragraphs.length === 0)
      throw new InvalidInputError(
        "NO_TEXT",
        `${file.name}: no text layer in its ${pdf.pages} page(s) (a scanned PDF?)`,
      );
    drafts = draftPdf(pdf);
  } else if (mediaType === DOCX) {
    drafts = draftDocx(await extractDocxText(bytes, file.name, limits));
  } else throw new UnsupportedMediaTypeError(file.name, file.mediaType);
  const docs = assemble(file, drafts, warnings);
  if (docs.length === 0 || docs.every((d) => d.text.trim() === ""))
    throw new InvalidInputError("NO_TEXT", `${file.name}: no text in the file`);
  for (const doc of docs) doc.language = languageOf(doc.text, pageLanguage, pageChars);
  return docs;
}

/** Characters of text the language identifier reads at once (one window: the page's language is read from one). */
const LANGUAGE_WINDOW = 1000;

/**
 * A document's own language; a document too short to tell takes its page's. So does a document that is
 * most of its page and no longer than one window: the page's language was read from the page's longest
 * blocks, which are then this text, give or take a line of chrome (a small file: its one document), and
 * reading it again would cost as much once more.
 */
function languageOf(text: string, page: Language | undefined, pageChars: number): Language {
  if (page && text.length <= LANGUAGE_WINDOW && text.length >= 0.8 * pageChars) return page;
  const own = identifyLanguage(text);
  return own.code === "und" && page ? page : own;
}

function textPage(text: string, opts: ReadOptions): { drafts: Draft[]; reading: PageReading } {
  const reading = readTextPage(text, opts);
  return { drafts: draftsOfTextPage(text, reading), reading };
}
