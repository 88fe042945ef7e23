/** Characters of text the documents of one message hold together, at most (a longer document travels alone). */
export const GROUP_MAX_CHARS = 32 * 1024;

/**
 * Splits a file's documents, in order, into runs of consecutive ones whose texts together stay within `maxChars`:
 * one message each, where a document a message cost three hops' worth of publishes, deliveries and acks. The runs
 * depend only on the documents, so a redelivered file makes the same messages (the same ids) again.
 */
export function groupDocuments<D extends { text: string }>(docs: readonly D[], maxChars = GROUP_MAX_CHARS): D[][] {
  const groups: D[][] = [];
  let current: D[] = [];
  let chars = 0;
  for (const doc of docs) {
    if (current.length > 0 && chars + doc.text.length > maxChars) {
      groups.push(current);
      current = [];
      chars = 0;
    }
    current.push(doc);
    chars += doc.text.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** What a message of documents is called in ids and logs: `<fileId>-<index>`, or `<fileId>-<first>..<last>`. */
export function groupDocId(docs: ReadonlyArray<{ docId: string; index: number }>): string {
  const first = docs[0];
  const last = docs[docs.length - 1];
  if (!first || !last) throw new Error("a message of documents holds one at least");
  return first === last ? first.docId : `${first.docId}..${last.index}`;
}
