import { eld } from "eld/extrasmall";
import { describe, expect, it } from "vitest";
import { gramScorerInUse, identifyLanguage, windowScores } from "./language.js";

describe("identifyLanguage", () => {
  it("names the language of a paragraph, with a confidence between 0 and 1", () => {
    const en = identifyLanguage(
      "The council approved the new budget on Monday after a long debate about schools and roads.",
    );
    const de = identifyLanguage(
      "Der Stadtrat hat am Montag nach einer langen Debatte über Schulen und Straßen den Haushalt beschlossen.",
    );
    const fr = identifyLanguage(
      "Le conseil municipal a adopté lundi le nouveau budget après un long débat sur les écoles.",
    );
    expect([en.code, de.code, fr.code]).toEqual(["en", "de", "fr"]);
    for (const l of [en, de, fr]) {
      expect(l.confidence).toBeGreaterThan(0);
      expect(l.confidence).toBeLessThanOrEqual(1);
    }
  });

  it("says und for a text too short to tell", () => {
    expect(identifyLanguage("Share this")).toEqual({ code: "und", confidence: 0 });
  });

  it("is not decided by the menus at the top of a long page", () => {
    const menu = "Home News Sport Login Kontakt Impressum ".repeat(20);
    const body =
      "Die Regierung hat am Dienstag neue Regeln für den Ausbau der Windkraft vorgestellt, die ab dem kommenden Jahr gelten sollen. ".repeat(
        30,
      );
    expect(identifyLanguage(`${menu}\n${body}`).code).toBe("de");
  });

  it("scores a window exactly as eld does", () => {
    expect(gramScorerInUse()).toBe(true);
    const texts = [
      "The council approved the new budget on Monday after a long debate about schools and roads.",
      "Der Stadtrat hat am Montag über Schulen und Straßen beschlossen. ".repeat(20),
      "Привет мир, это проверка. ".repeat(30),
      "日本語のテキストです。これは試験です。",
      // eld's separator keeps an apostrophe that ends a run; its lower case of İ and Σ is not one unit a unit
      "don't 'quote' `tick` ’x’ '' a '' . b ' hello . 'hello abc .'",
      "ΑΣ ΣΑΣ σας Σ İstanbul İzmir K Å",
      // a word past 70 bytes, surrogates, and eld's cuts at 350 and 380 bytes
      `x${"ä".repeat(80)} y 😀 \ud800 ${"Donaudampfschifffahrtsgesellschaft ".repeat(12)}`,
      "é".repeat(400),
      "",
    ];
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const alphabet = [..."abentAZ   '`’.,-1\n\täßéΣσİıдЖ日😀\u00a0K"];
    for (let k = 0; k < 300; k++) {
      let t = "";
      const len = Math.floor(rand() * (k % 10 === 0 ? 1300 : 120));
      for (let i = 0; i < len; i++) t += alphabet[Math.floor(rand() * alphabet.length)];
      texts.push(t);
    }
    for (const t of texts)
      expect(windowScores(t, 0, Math.min(t.length, 1000))).toEqual(eld.detect(t.slice(0, 1000)).getScores());
  });
});
