export { buildTrainingData, GENERATED, type TrainingData } from "./build.js";
export {
  type DevPage,
  decodeHtml,
  flattenHtml,
  loadArticleExtraction,
  loadTrafilaturaEval,
  sharedDir,
} from "./data.js";
export { type Article, type GeneratedPage, generatePages, loadArticles } from "./generate.js";
export {
  countSnippets,
  type PageScore,
  type Score,
  type SnippetCounts,
  scoreExtraction,
  scorePage,
  snippetScore,
  tokens,
} from "./metrics.js";
export {
  type CrossValidation,
  crossValidate,
  crossValidateFirstReading,
  DEFAULT_TRAIN,
  type Example,
  type FoldModels,
  mainText,
  type PageModels,
  readExample,
  STACK_FOLDS,
  type StoredPageModels,
  trainFoldModels,
  trainPageModel,
  trainPageModels,
} from "./train.js";
