import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeBytes } from "./decode.js";
import { sniffMediaType } from "./media-type.js";

const text = "The café “Le Musée” opened on Monday — naïve visitors queued for crème brûlée.";

describe("decodeBytes", () => {
  it("reads UTF-8 and strips its byte-order mark", () => {
    const d = decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]));
    expect(d).toMatchObject({ text, charset: "utf-8", via: "bom", warnings: [] });
  });

  it("finds UTF-16 without a byte-order mark", () => {
    const bytes = iconv.encode(text, "utf-16le");
    expect(sniffMediaType(bytes, "x.txt")).toBe("text/plain");
    expect(decodeBytes(bytes)).toMatchObject({ text, charset: "utf-16le" });
  });

  it("reads ISO-8859-x text the detector recognises", () => {
    const de =
      "Die Bürger der Stadt wählten am Sonntag einen neuen Bürgermeister. Die Wahlbeteiligung lag über fünfzig Prozent. ".repeat(
        3,
      );
    const d = decodeBytes(iconv.encode(de, "iso-8859-1"));
    expect(d.text).toBe(de);
    expect(d.warnings).toEqual([]);
  });

  it("trusts the bytes over a page that declares the wrong charset", () => {
    const page = `<html><head><meta charset="iso-8859-1"></head><body><p>${text}</p></body></html>`;
    const d = decodeBytes(new TextEncoder().encode(page), { html: true });
    expect(d.charset).toBe("utf-8");
    expect(d.text).toContain(text);
    expect(d.warnings[0]).toMatch(/declares windows-1252/);
  });

  it("says so when a page declared as UTF-8 is not", () => {
    const page = `<html><head><meta charset="utf-8"></head><body><p>${text}</p></body></html>`;
    const d = decodeBytes(iconv.encode(page, "windows-1252"), { html: true });
    expect(d.text).toContain(text);
    expect(d.warnings[0]).toMatch(/not valid UTF-8/);
  });

  it("flags text that was UTF-8 decoded twice", () => {
    const twice = iconv.decode(Buffer.from(text.repeat(3), "utf8"), "windows-1252");
    const d = decodeBytes(new TextEncoder().encode(twice));
    expect(d.warnings.join(" ")).toMatch(/decoded twice/);
  });
});
