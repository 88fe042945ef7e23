import { describe, expect, it } from "vitest";
import { isTimeLine, parseSourceLines } from "./source-line.js";

describe("parseSourceLines", () => {
  it("takes the site from a plain name line rather than its dashed repeat, and the age", () => {
    expect(parseSourceLines(["The Star", "an hour ago", "- The Star"])).toEqual({
      site: "The Star",
      published: "an hour ago",
    });
  });

  it("reads a site and an age on one line, and a byline", () => {
    expect(parseSourceLines(["Coast News • 5 hours ago"])).toEqual({ site: "Coast News", published: "5 hours ago" });
    expect(parseSourceLines(["By Anna Smith"]).author).toBe("Anna Smith");
  });

  it("resolves a relative age against the file's time", () => {
    const s = parseSourceLines(["Malay Mail", "5 hours ago"], "2025-07-21T12:00:00.000Z");
    expect(s.publishedAt).toBe("2025-07-21T07:00:00.000Z");
  });

  it("knows dates and ages from other lines", () => {
    for (const t of ["an hour ago", "5 hours ago", "July 21, 2025", "2025-07-21", "yesterday"])
      expect(isTimeLine(t), t).toBe(true);
    for (const t of ["The Star", "Hashtags", "Related Articles"]) expect(isTimeLine(t), t).toBe(false);
  });
});
