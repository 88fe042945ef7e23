import type { CleanedDocument, TaggedDocument } from "@sift/contracts";
import { loadModel, loadTagger } from "./tag.js";

/** The tagger's pure work, as a worker pool runs it. */
export const tasks = {
  tag: (doc: CleanedDocument): TaggedDocument => loadTagger()(doc),
};

/** A worker loads the model when it starts, before its first document. */
export function init(): void {
  loadModel();
}
