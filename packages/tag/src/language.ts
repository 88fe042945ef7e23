import type { CleanedDocument } from "@sift/contracts";

/** The languages the entity model was trained on (CoNLL-2003 English). */
export const MODEL_LANGUAGES = new Set(["en"]);

/**
 * Whether the English entity model may read a document: yes when its language is English or not known
 * ("und", or no language at all); otherwise no, and the warning says why, so nobody reads an empty
 * entity list as "no names here".
 */
export function entityModelFor(
  doc: Pick<CleanedDocument, "language">,
): { run: true } | { run: false; warning: string } {
  const code = doc.language?.code;
  if (code === undefined || code === "und" || MODEL_LANGUAGES.has(code)) return { run: true };
  return {
    run: false,
    warning: `entities not tagged: the document reads as language "${code}" and the entity model reads English`,
  };
}
