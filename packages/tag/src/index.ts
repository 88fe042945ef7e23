export { createTagger, loadTagger, type Tagger } from "./tag.js";
