export { type Evaluation, evaluate, parseConll } from "./conll.js";
export { labelDocumentFast } from "./fast.js";
export { entityModelFor, MODEL_LANGUAGES } from "./language.js";
export { entityIndex, linkMentions, type Mention } from "./link.js";
export { deserializeModel, labelDocument, type NerModel } from "./model.js";
export { ruleEntities } from "./rules.js";
export { createTagger, findEntities, loadModel, loadTagger, MODEL_URL, type Tagger } from "./tag.js";
export { splitTokenSentences, type Token, tokenize } from "./tokenize.js";
