import { type FileMeta, InvalidInputError, type SegmentedDocument, UnsupportedMediaTypeError } from "@sift/contracts";
import { decodeBytes, utf16WithoutBom } from "./decode.js";
import { draftDocx, extractDocxText } from "./docx.js";
import { assemble, type Draft } from "./draft.js";
import { draftHtml } from "./html.js";
import { draftMarkdown } from "./markdown.js";
import { DOCX, normaliseMediaType } from "./media-type.js";
import { draftTextPage } from "./page.js";
import { draftPdf, extractPdfText } from "./pdf.js";

export interface SegmentInput {
  file: FileMeta;
  bytes: Uint8Array;
}

/**
 * Splits a file into documents (the main article and each related or teaser item), each with its
 * paragraphs, sentences and a map from its text to the decoded text of the file.
 * Throws UnsupportedMediaTypeError for a type Sift does not read, InvalidInputError for empty,
 * binary or corrupt input.
 */
export async function segmentFile(input: SegmentInput): Promise<SegmentedDocument[]> {
  const { bytes } = input;
  let file = input.file;
  if (bytes.length === 0) throw new InvalidInputError("EMPTY_FILE", `${file.name}: the file is empty`);
  const mediaType = normaliseMediaType(file.mediaType);
  let drafts: Draft[];
  const warnings: string[] = [];
  if (mediaType === "text/plain" || mediaType === "text/markdown" || mediaType === "text/html") {
    if (hasNul(bytes) && !decodeableUtf16(bytes))
      throw new InvalidInputError("BINARY_FILE", `${file.name}: binary content in a ${file.mediaType} file`);
    const decoded = decodeBytes(bytes, { html: mediaType === "text/html" });
    file = { ...file, charset: decoded.charset };
    warnings.push(...decoded.warnings);
    if (mediaType === "text/html") drafts = draftHtml(decoded.text);
    else if (mediaType === "text/markdown") drafts = draftMarkdown(decoded.text);
    else drafts = draftTextPage(decoded.text, file.mtime);
  } else if (mediaType === "application/pdf") {
    const pdf = await extractPdfText(bytes, file.name);
    if (pdf.paragraphs.length === 0)
      throw new InvalidInputError(
        "NO_TEXT",
        `${file.name}: no text layer in its ${pdf.pages} page(s) (a scanned PDF?)`,
      );
    drafts = draftPdf(pdf);
  } else if (mediaType === DOCX) {
    drafts = draftDocx(await extractDocxText(bytes, file.name));
  } else throw new UnsupportedMediaTypeError(file.name, file.mediaType);
  const docs = assemble(file, drafts, warnings);
  if (docs.length === 0 || docs.every((d) => d.text.trim() === ""))
    throw new InvalidInputError("NO_TEXT", `${file.name}: no text in the file`);
  return docs;
}

function hasNul(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

function decodeableUtf16(bytes: Uint8Array): boolean {
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return bom || utf16WithoutBom(bytes) !== null;
}
