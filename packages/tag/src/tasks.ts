import type { CleanedDocument, Entity, EntityIndexEntry, TaggedDocument } from "@sift/contracts";
import { entityIndex } from "./link.js";
import { findEntities, loadModel, loadTagger } from "./tag.js";

/** The tagger's pure work, as a worker pool runs it. */
export const tasks = {
  tag: (doc: CleanedDocument): TaggedDocument => loadTagger()(doc),
  /** What `tag` adds to a document, from its text alone: only the text travels to the worker and back. */
  entities: (text: string): { entities: Entity[]; entityIndex: EntityIndexEntry[] } => {
    const entities = findEntities(loadModel(), text);
    return { entities, entityIndex: entityIndex(entities) };
  },
};

const SAMPLE =
  "Xi Jinping met Vladimir Putin in Moscow on Monday, the Kremlin said. Russia's foreign minister Sergei Lavrov told reporters that the Shanghai Cooperation Organisation (SCO) would meet in July. Shares of Acme Corp. rose 4.5% to $12 million in New York. ";

/** A worker loads the model and compiles the tagging code on a sample when it starts, before its first document. */
export function init(): void {
  const model = loadModel();
  for (let round = 0; round < 20; round++) findEntities(model, SAMPLE.repeat(1 + (round % 4)));
}
