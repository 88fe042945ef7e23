import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** stopwords-iso: per-language function-word lists (ISO 639-1 keys), loaded once. */
const lists = require("stopwords-iso") as Record<string, string[]>;
const cache = new Map<string, Set<string>>();

/** The stop words of a language (ISO 639-1), or of English when the language has no list. */
export function stopWords(language: string | undefined): Set<string> {
  const key = language && lists[language] ? language : "en";
  let set = cache.get(key);
  if (!set) {
    set = new Set(lists[key]);
    cache.set(key, set);
  }
  return set;
}
