import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GAZ_CATS, type GazCat, normToken, type Resources } from "./features.js";
import { tokenize } from "./tokenize.js";

/** Which list files feed which gazetteer category (paths under `ner-resources/gazetteers`). */
const LISTS: Array<[GazCat, string[]]> = [
  [
    "pfirst",
    [
      "gate-annie/person_male.lst",
      "gate-annie/person_female.lst",
      "gate-annie/person_first.lst",
      "namedatabases/first-names/all.txt",
      "namedatabases/first-names/us.txt",
      "nltk-names/male.txt",
      "nltk-names/female.txt",
    ],
  ],
  ["plast", ["namedatabases/surnames/all.txt", "gate-annie/person_celebrity_surname.lst"]],
  [
    "pfull",
    ["gate-annie/person_full.lst", "gate-annie/other_people.lst", "reuters21578-categories/all-people-strings.lc.txt"],
  ],
  [
    "country",
    [
      "world-countries/country-names.txt",
      "gate-annie/country.lst",
      "nltk-gazetteers/countries.txt",
      "geonames-world-cities/countries.txt",
      "reuters21578-categories/all-places-strings.lc.txt",
    ],
  ],
  [
    "city",
    [
      "geonames-world-cities/cities.txt",
      "gate-annie/city.lst",
      "nltk-gazetteers/uscities.txt",
      "world-countries/capitals.txt",
    ],
  ],
  [
    "region",
    [
      "geonames-world-cities/subcountries.txt",
      "gate-annie/province.lst",
      "gate-annie/region.lst",
      "gate-annie/state_us.lst",
      "nltk-gazetteers/usstates.txt",
      "nltk-gazetteers/caprovinces.txt",
      "nltk-gazetteers/mexstates.txt",
    ],
  ],
  [
    "locother",
    ["gate-annie/mountain.lst", "gate-annie/water.lst", "gate-annie/loc_other.lst", "gate-annie/city_uk.lst"],
  ],
  [
    "company",
    [
      "gate-annie/company.lst",
      "gate-annie/more_company.lst",
      "gate-annie/companies_uk.lst",
      "us-stock-listings/company-names.txt",
    ],
  ],
  [
    "orgother",
    [
      "gate-annie/organization.lst",
      "gate-annie/government.lst",
      "gate-annie/newspapers.lst",
      "gate-annie/political_party.lst",
      "gate-annie/nfl-teams.lst",
      "gate-annie/nba-teams.lst",
      "gate-annie/mlb-teams.lst",
      "gate-annie/university_uk.lst",
      "gate-annie/agency.lst",
      "gate-annie/tvcompany.lst",
      "reuters21578-categories/all-orgs-strings.lc.txt",
      "reuters21578-categories/all-exchanges-strings.lc.txt",
    ],
  ],
  ["club", ["openfootball-clubs/club-names.txt"]],
  [
    "demonym",
    [
      "world-countries/demonyms.txt",
      "gate-annie/country_adj.lst",
      "gate-annie/new_adj.lst",
      "nltk-gazetteers/nationalities.txt",
      "gate-annie/religious_adj.lst",
    ],
  ],
  [
    "title",
    [
      "gate-annie/title.lst",
      "gate-annie/title_male.lst",
      "gate-annie/title_female.lst",
      "gate-annie/title_mil.lst",
      "gate-annie/title_pol.lst",
      "gate-annie/jobtitles.lst",
    ],
  ],
  ["orgkey", ["gate-annie/org_key.lst", "gate-annie/org_ending.lst", "gate-annie/org_base.lst"]],
  ["lockey", ["gate-annie/loc_key.lst", "gate-annie/loc_generalkey.lst"]],
];

/** The lookup key of a phrase: its tokens, normalised and lower-cased, joined by one space. */
export function phraseKey(phrase: string): string {
  return tokenize(phrase)
    .map((t) => normToken(t.text).toLowerCase())
    .join(" ");
}

/** Reads the gazetteers and Brown clusters from `ner-resources` (training time only). */
export function loadResources(dir: string, maxGazTokens = 6): Resources {
  const gaz = new Map<string, number>();
  let gazMax = 0;
  for (const [cat, files] of LISTS) {
    const bit = 1 << GAZ_CATS.indexOf(cat);
    for (const file of files) {
      const path = join(dir, "gazetteers", file);
      if (!existsSync(path)) throw new Error(`missing gazetteer ${path}`);
      for (let line of readFileSync(path, "utf8").split("\n")) {
        line = line.replace(/:[\w-]+=.*$/, "").trim();
        if (file.includes("reuters21578")) line = line.replaceAll("-", " ");
        if (line === "" || line.startsWith("#")) continue;
        const key = phraseKey(line);
        const len = key.split(" ").length;
        if (key === "" || len > maxGazTokens) continue;
        gaz.set(key, (gaz.get(key) ?? 0) | bit);
        // plural demonyms ("Germans") are MISC too
        if (cat === "demonym" && len === 1) gaz.set(`${key}s`, (gaz.get(`${key}s`) ?? 0) | bit);
        gazMax = Math.max(gazMax, len);
      }
    }
  }
  const clusters = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const part of ["part00", "part01", "part02"]) {
    const text = readFileSync(join(dir, "clusters/bllip-brown-c1000", `bllip-clusters.${part}.txt`), "utf8");
    for (const line of text.split("\n")) {
      const [bits, word, count] = line.split("\t");
      if (!bits || !word) continue;
      counts.set(word, Number(count));
      if (Number(count) >= 3) clusters.set(word, bits);
    }
  }
  // lower-case words that are seldom capitalised: at least 20 times, and 5 times as often as Title or UPPER case
  const lowerWords = new Set<string>();
  for (const [word, n] of counts) {
    if (n < 20 || !/^\p{Ll}+$/u.test(word)) continue;
    const capital = (counts.get(word[0]?.toUpperCase() + word.slice(1)) ?? 0) + (counts.get(word.toUpperCase()) ?? 0);
    if (n >= 5 * capital) lowerWords.add(word);
  }
  return { gaz, gazMax, clusters, lowerWords };
}
