import type { EntityLabel } from "@sift/contracts";
import type { Token } from "./tokenize.js";

/** A rule match over tokens `[start, end)`. */
export interface RuleMatch {
  start: number;
  end: number;
  label: EntityLabel;
}

const MONTHS =
  "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec";
const MONTH = new Set(MONTHS.split(" ").flatMap((m) => [m, `${m}.`]));
const WEEKDAY = new Set("monday tuesday wednesday thursday friday saturday sunday".split(" "));
const RELATIVE_DAY = new Set(["yesterday", "today", "tomorrow", "tonight"]);
const PERIOD = new Set([
  "week",
  "month",
  "year",
  "weekend",
  "quarter",
  "decade",
  "century",
  "spring",
  "summer",
  "autumn",
  "fall",
  "winter",
]);
const SCALE = new Set(["hundred", "thousand", "million", "billion", "trillion", "mln", "bln", "m", "bn"]);
const CURRENCY_WORD = new Set(
  "dollar dollars cent cents euro euros pound pounds sterling yen yuan renminbi rupee rupees ringgit rouble roubles ruble rubles francs franc marks mark pesos peso won baht rand dinars riyals lira".split(
    " ",
  ),
);
const CURRENCY_SYMBOL = /^(?:[$£€¥₹₩₽]|US\$|A\$|C\$|HK\$|S\$|NZ\$|R\$)$/;
const CURRENCY_CODE = new Set([
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CNY",
  "RMB",
  "CHF",
  "AUD",
  "CAD",
  "HKD",
  "SGD",
  "INR",
  "MYR",
]);
const UNIT = new Set(
  "km kilometre kilometres kilometer kilometers mile miles metre metres meter meters m cm mm foot feet ft inch inches kg kilogram kilograms kilo kilos gram grams tonne tonnes ton tons lb lbs ounce ounces litre litres liter liters gallon gallons barrel barrels acre acres hectare hectares degrees sq mph kph km/h mw gw kw kwh megawatts gigawatts bpd".split(
    " ",
  ),
);
const NUMBER_WORD = new Set(
  "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion trillion dozen dozens hundreds thousands millions billions".split(
    " ",
  ),
);
const ORDINAL_WORD = new Set(
  "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth hundredth thousandth".split(
    " ",
  ),
);

const isNumber = (s: string): boolean => /^\d+(?:[.,]\d+)*$/.test(s);
const isNumberish = (s: string): boolean => isNumber(s) || NUMBER_WORD.has(s.toLowerCase());
const isYear = (s: string): boolean => /^(?:1[89]\d\d|20\d\d)$/.test(s);
const isDay = (s: string): boolean => /^(?:[12]?\d|3[01])(?:st|nd|rd|th)?$/.test(s);

/** Number entities by rule: DATE, TIME, MONEY, PERCENT, QUANTITY, ORDINAL, CARDINAL. */
export function ruleEntities(tokens: Token[], taken: (i: number) => boolean): RuleMatch[] {
  const out: RuleMatch[] = [];
  const w = (i: number): string => tokens[i]?.text ?? "";
  const lw = (i: number): string => w(i).toLowerCase();
  const free = (a: number, b: number): boolean => {
    for (let k = a; k < b; k++) if (k >= tokens.length || taken(k)) return false;
    return true;
  };
  // a number with optional scale words: returns the end index
  const numberRun = (i: number): number => {
    if (!isNumberish(w(i))) return i;
    let j = i + 1;
    while (j < tokens.length && (SCALE.has(lw(j)) || (NUMBER_WORD.has(lw(j)) && isNumberish(w(j - 1))))) j++;
    return j;
  };
  let i = 0;
  while (i < tokens.length) {
    if (taken(i)) {
      i++;
      continue;
    }
    const t = w(i);
    const l = t.toLowerCase();
    let m: RuleMatch | null = null;
    // MONEY: $5 million, US$ 3, 5 million dollars, EUR 20
    if ((CURRENCY_SYMBOL.test(t) || CURRENCY_CODE.has(t)) && isNumber(w(i + 1))) {
      m = { start: i, end: numberRun(i + 1), label: "MONEY" };
    } else if (/^[$£€¥]\d/.test(t)) {
      m = { start: i, end: Math.max(i + 1, numberRun(i + 1) === i + 1 ? i + 1 : numberRun(i + 1)), label: "MONEY" };
    } else if (isNumberish(t)) {
      const j = numberRun(i);
      if (CURRENCY_WORD.has(lw(j)) && (isNumber(t) || lw(j) !== "mark")) m = { start: i, end: j + 1, label: "MONEY" };
      else if (w(j) === "%" || lw(j) === "percent" || lw(j) === "pct") m = { start: i, end: j + 1, label: "PERCENT" };
      else if (lw(j) === "per" && lw(j + 1) === "cent") m = { start: i, end: j + 2, label: "PERCENT" };
      else if (isNumber(t) && UNIT.has(lw(j))) m = { start: i, end: j + 1, label: "QUANTITY" };
      else if (isNumber(t) && /^(?:a\.m\.|p\.m\.|am|pm|gmt)$/.test(lw(j))) m = { start: i, end: j + 1, label: "TIME" };
      else if (isDay(t) && MONTH.has(lw(j)) && /^\p{Lu}/u.test(w(j)))
        m = { start: i, end: isYear(w(j + 1)) ? j + 2 : j + 1, label: "DATE" };
      else if (isYear(t) && j === i + 1 && !UNIT.has(lw(j))) m = { start: i, end: i + 1, label: "DATE" };
      else if (lw(j) === "years" && lw(j + 1) === "ago") m = { start: i, end: j + 2, label: "DATE" };
      else m = { start: i, end: j, label: "CARDINAL" };
    } else if (/^\d{1,2}:\d\d(?::\d\d)?$/.test(t)) {
      const ampm = /^(?:a\.m\.|p\.m\.|am|pm|gmt|edt|est|bst)$/.test(lw(i + 1));
      m = { start: i, end: ampm ? i + 2 : i + 1, label: "TIME" };
    } else if (/^\d{4}-\d\d-\d\d$/.test(t) || /^\d{1,2}\/\d{1,2}\/\d{2,4}$/.test(t)) {
      m = { start: i, end: i + 1, label: "DATE" };
    } else if (/^\d+(?:st|nd|rd|th)$/.test(l) || ORDINAL_WORD.has(l)) {
      if (MONTH.has(lw(i + 1)) && /^\p{Lu}/u.test(w(i + 1)) && /^\d/.test(t))
        m = { start: i, end: isYear(w(i + 2)) ? i + 3 : i + 2, label: "DATE" };
      else m = { start: i, end: i + 1, label: "ORDINAL" };
    } else if (MONTH.has(l) && /^\p{Lu}/u.test(t) && (l !== "may" || isDay(w(i + 1)) || isYear(w(i + 1)))) {
      if (l.length <= 4 && !isDay(w(i + 1)) && !isYear(w(i + 1)) && !l.endsWith(".")) {
        // a bare short form ("Mar", "Jun") is too often something else
        if (l !== "june" && l !== "july") {
          i++;
          continue;
        }
      }
      let j = i + 1;
      if (isDay(w(j))) j++;
      if (w(j) === "," && isYear(w(j + 1))) j += 2;
      else if (isYear(w(j))) j++;
      m = { start: i, end: j, label: "DATE" };
    } else if (WEEKDAY.has(l) && /^\p{Lu}/u.test(t)) {
      m = { start: i, end: i + 1, label: "DATE" };
    } else if (RELATIVE_DAY.has(l)) {
      m = { start: i, end: i + 1, label: "DATE" };
    } else if ((l === "last" || l === "this" || l === "next") && PERIOD.has(lw(i + 1))) {
      m = { start: i, end: i + 2, label: "DATE" };
    } else if (l === "noon" || l === "midnight") {
      m = { start: i, end: i + 1, label: "TIME" };
    }
    if (m && m.end > m.start && free(m.start, m.end)) {
      out.push(m);
      i = m.end;
    } else i++;
  }
  return out;
}
