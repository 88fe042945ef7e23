import { describe, expect, it } from "vitest";
import { identifyLanguage } from "./language.js";

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
});
