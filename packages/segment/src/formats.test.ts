import { InvalidInputError, type SegmentedDocument, toSourceSpan, UnsupportedMediaTypeError } from "@sift/contracts";
import { Label, labelNames, PageModel, pageModel } from "@sift/page";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";
import iconv from "iconv-lite";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { DOCX, sniffMediaType } from "./media-type.js";
import { segmentFile } from "./segment.js";
import { fileMeta } from "./shared.test-helpers.js";

const paras = (d: SegmentedDocument | undefined) => (d ? d.paragraphs.map((p) => d.text.slice(p.start, p.end)) : []);
const sents = (d: SegmentedDocument | undefined) => (d ? d.sentences.map((s) => d.text.slice(s.start, s.end)) : []);

async function segment(name: string, bytes: Uint8Array, mediaType = sniffMediaType(bytes, name)) {
  return segmentFile({ file: fileMeta(name, mediaType, bytes.length), bytes });
}

/** Visible text of an HTML fragment, as a browser would show it. */
const visible = (html: string) =>
  html
    .replace(/<[^>]*>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&rsquo;/g, "’")
    .replace(/\s+/g, " ")
    .trim();

/** A page model with no emission weights whose transitions keep every block of a page at one label. */
function stuckAt(label: number): PageModel {
  const L = labelNames.length;
  const t = new Array<number>((L + 1) * L).fill(0);
  t[label * L + label] = 1;
  t[L * L + label] = 1;
  return new PageModel({ version: 1, labels: L, rows: pageModel().chain.rows, features: [], w: [], t });
}

describe("segmentFile on HTML", () => {
  const story = [
    "The city council approved a new budget on Monday after weeks of debate, officials said. The plan raises spending on schools by 4.5% and on roads by 2%.",
    "Mayor Jane Doe said the vote was &ldquo;a fair compromise&rdquo; for residents &amp; businesses. Opponents said the U.S. economy was slowing and urged caution.",
    "The budget takes effect on Jan. 1 and will be reviewed in six months, the council&rsquo;s clerk said in a statement.",
  ];
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Council passes budget | City News</title></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Council passes budget after long debate</h1>
${story.map((p) => `<p>${p}</p>`).join("\n")}
</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/a">Schools prepare for the new term</a></li>
<li><a href="/b">Road works to start in spring</a></li>
<li><a href="/c">Mayor outlines plans for housing</a></li>
</ul></aside></main>
<footer><p>Copyright 2025 City News. All rights reserved.</p></footer>
</body></html>`;

  it("keeps the article, leaves navigation out, and maps every paragraph into the HTML", async () => {
    const docs = await segment("page.html", new TextEncoder().encode(html));
    const main = docs.find((d) => d.role === "main");
    expect(main?.title).toBe("Council passes budget after long debate");
    expect(main?.text.startsWith(`${main?.title}\n\n`)).toBe(true);
    expect(paras(main)).toEqual(story.map(visible).map((p) => p.replace("&ldquo;", "“").replace("&rdquo;", "”")));
    expect(main?.text).not.toContain("Politics");
    expect(main?.file.charset).toBe("utf-8");
    expect(sents(main)).toHaveLength(5);
    for (const p of main?.paragraphs ?? []) {
      const s = toSourceSpan(main?.sourceMap ?? [], p);
      const fromHtml = html.slice(s.sourceStart, s.sourceEnd);
      expect(fromHtml.length).toBeGreaterThan(0);
      expect(html.slice(s.sourceStart - 3, s.sourceStart)).toBe("<p>");
      expect(html.slice(s.sourceEnd, s.sourceEnd + 4)).toBe("</p>");
    }
    // an entity maps to the whole entity in the source
    const amp = main?.text.indexOf("&") ?? -1;
    const s = toSourceSpan(main?.sourceMap ?? [], { start: amp, end: amp + 1 });
    expect(html.slice(s.sourceStart, s.sourceEnd)).toBe("&amp;");
    const t = toSourceSpan(main?.sourceMap ?? [], { start: 0, end: main?.title?.length ?? 0 });
    expect(html.slice(t.sourceStart, t.sourceEnd)).toBe("Council passes budget after long debate");
  });

  it("turns the related list into documents and the chrome into removals", async () => {
    const docs = await segment("page.html", new TextEncoder().encode(html));
    const others = docs.filter((d) => d.role !== "main");
    for (const d of others) expect(["related", "teaser", "other"]).toContain(d.role);
    const all = docs.flatMap((d) => d.removed);
    for (const r of all)
      expect(visible(html.slice(r.sourceStart, r.sourceEnd))).toContain(visible(r.text).slice(0, 10));
    expect(docs.map((d) => d.index)).toEqual(docs.map((_, i) => i));
    expect(new Set(docs.map((d) => d.count))).toEqual(new Set([docs.length]));
  });

  it("reads a page by its markup rules when the page model finds no article on it, and says so", async () => {
    // every block "chrome before the article"
    const blind = stuckAt(Label.pre);
    const bytes = new TextEncoder().encode(html);
    const docs = await segmentFile({ file: fileMeta("page.html", "text/html", bytes.length), bytes }, { model: blind });
    const main = docs.find((d) => d.role === "main");
    expect(paras(main)).toEqual(story.map(visible).map((p) => p.replace("&ldquo;", "“").replace("&rdquo;", "”")));
    expect(main?.text).not.toContain("Politics");
    expect(main?.warnings.join(" ")).toMatch(/no article.*markup rules/);
    // a flattened page has no markup to fall back on: read by the same model, it gets the model's best reading that
    // has some text (the story is prose), and says so
    const flat = new TextEncoder().encode(story.map(visible).join("\n\n"));
    const [flatMain] = await segmentFile(
      { file: fileMeta("page.txt", "text/plain", flat.length), bytes: flat },
      { model: blind },
    );
    expect(flatMain?.role).toBe("main");
    expect(paras(flatMain).length).toBeGreaterThan(0);
    expect(flatMain?.warnings.join(" ")).toMatch(/read none of the page as the article's text/);
    // a page of menus and links alone holds no prose: it is refused, saying why
    const menus = new TextEncoder().encode(["Home", "Politics", "Sport", "Contact us"].join("\n"));
    await expect(
      segmentFile({ file: fileMeta("menu.txt", "text/plain", menus.length), bytes: menus }, { model: blind }),
    ).rejects.toThrow(/no text to keep/);
  });

  it("leaves readers' comments out of the article when the markup names a comment section, listing them as removed", async () => {
    // every block the article's text: what decides here is the markup
    const greedy = stuckAt(Label.body);
    const comments = [
      "I have lived in this city for thirty years and I have never seen a budget debate drag on for so long.",
      "Spending more on schools is the right call, but the council should have explained where the money comes from.",
    ];
    const section = (attrs: string) =>
      `<div ${attrs}><h2>2 comments</h2><ol class="comment-list">${comments
        .map(
          (c) =>
            `<li class="comment"><article class="comment-body"><div class="comment-content"><p>${c}</p></div></article></li>`,
        )
        .join("")}</ol></div>`;
    const read = async (page: string) => {
      const bytes = new TextEncoder().encode(page);
      const docs = await segmentFile(
        { file: fileMeta("page.html", "text/html", bytes.length), bytes },
        { model: greedy },
      );
      return docs.find((d) => d.role === "main");
    };
    const article = `<article><h1>Council passes budget after long debate</h1>${story.map((p) => `<p>${p}</p>`).join("")}</article>`;
    for (const attrs of ['id="comments" class="comments-area"', 'id="disqus_thread"']) {
      const main = await read(`<html><body>${article}${section(attrs)}</body></html>`);
      expect(paras(main).join(" ")).toContain("The budget takes effect");
      for (const c of comments) {
        expect(main?.text).not.toContain(c);
        expect(main?.removed.find((r) => r.text === c)?.reason).toMatch(/comment section/);
      }
    }
    // a class that only mentions comments is not a section, and a page whose text is all in one keeps it
    const commentary = `<div class="commentary comment-text"><p>${comments[0]}</p></div>`;
    expect((await read(`<html><body>${article}${commentary}</body></html>`))?.text).toContain(comments[0]);
    expect(paras(await read(`<html><body>${section('id="comments"')}</body></html>`))).toEqual([
      "2 comments",
      ...comments,
    ]);
  });

  it("reads the charset a page declares", async () => {
    const page = `<html><head><meta charset="windows-1252"></head><body><article><h1>Caf\u00e9 society</h1><p>${"The caf\u00e9 \u201cLe Mus\u00e9e\u201d opened its doors on Monday to long queues of visitors. ".repeat(3)}</p></article></body></html>`;
    const docs = await segment("page.html", iconv.encode(page, "windows-1252"));
    expect(docs[0]?.file.charset).toBe("windows-1252");
    expect(paras(docs[0])[0]).toContain("caf\u00e9 \u201cLe Mus\u00e9e\u201d");
  });
});

describe("segmentFile on PDF", () => {
  async function makePdf(): Promise<Uint8Array> {
    const pdf = await PDFDocument.create();
    pdf.setAuthor("Harbour Board");
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
    const p1 = pdf.addPage([595, 842]);
    p1.drawText("Annual Report of the Harbour Board", { x: 50, y: 780, size: 20, font: bold });
    const body1 = [
      "The harbour handled more ships this year than in any year before. Traffic rose",
      "by 12% as new routes opened to the south.",
    ];
    for (const [i, l] of body1.entries()) p1.drawText(l, { x: 50, y: 740 - i * 14, size: 11, font });
    p1.drawText("Mr. Smith, the chairman, thanked the staff.", { x: 50, y: 700, size: 11, font });
    const p2 = pdf.addPage([595, 842]);
    p2.drawText("Next year the board plans to dredge the channel. Work starts in Jan. 2026.", {
      x: 50,
      y: 780,
      size: 11,
      font,
    });
    return pdf.save();
  }

  it("reads the pages in order, joins wrapped lines and maps back to the extracted text", async () => {
    const bytes = await makePdf();
    expect(sniffMediaType(bytes, "report.bin")).toBe("application/pdf");
    const docs = await segment("report.pdf", bytes);
    expect(docs).toHaveLength(1);
    const d = docs[0];
    expect(d?.title).toBe("Annual Report of the Harbour Board");
    expect(d?.source).toEqual({ author: "Harbour Board" });
    expect(paras(d)).toEqual([
      "The harbour handled more ships this year than in any year before. Traffic rose by 12% as new routes opened to the south.",
      "Mr. Smith, the chairman, thanked the staff.",
      "Next year the board plans to dredge the channel. Work starts in Jan. 2026.",
    ]);
    expect(sents(d)).toEqual([
      "The harbour handled more ships this year than in any year before.",
      "Traffic rose by 12% as new routes opened to the south.",
      "Mr. Smith, the chairman, thanked the staff.",
      "Next year the board plans to dredge the channel.",
      "Work starts in Jan. 2026.",
    ]);
    // the extracted text keeps the line break where the document text has a space
    const last = d?.paragraphs[2];
    const s = toSourceSpan(d?.sourceMap ?? [], last ?? { start: 0, end: 0 });
    expect(s.sourceStart).toBeGreaterThan(
      toSourceSpan(d?.sourceMap ?? [], d?.paragraphs[1] ?? { start: 0, end: 0 }).sourceEnd,
    );
  });

  it("reads a two-column page column by column", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595, 842]);
    page.drawText("Two columns of news", { x: 50, y: 790, size: 18, font });
    const left = ["The left column starts the story", "and goes on in this line of it,", "ending here at last."];
    const right = ["The right column tells another", "story that should come after", "the left one in reading order."];
    for (const [i, l] of left.entries()) page.drawText(l, { x: 50, y: 740 - i * 13, size: 10, font });
    for (const [i, l] of right.entries()) page.drawText(l, { x: 320, y: 740 - i * 13, size: 10, font });
    const docs = await segment("columns.pdf", await pdf.save());
    expect(docs[0]?.title).toBe("Two columns of news");
    expect(paras(docs[0])).toEqual([left.join(" "), right.join(" ")]);
  });

  it("rejects a PDF with no text layer as invalid input, saying why", async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([595, 842]);
    await expect(segment("scan.pdf", await pdf.save())).rejects.toThrow(/no text layer/);
  });

  it("rejects a corrupt PDF as invalid input", async () => {
    const bytes = new TextEncoder().encode("%PDF-1.7\nthis is not really a pdf\n%%EOF");
    await expect(segment("bad.pdf", bytes)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe("segmentFile on DOCX", () => {
  it("takes the title and the paragraphs", async () => {
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph({ text: "Minutes of the Board Meeting", heading: HeadingLevel.TITLE }),
            new Paragraph({ text: "The meeting opened at 9 a.m. Ms. Lee chaired it." }),
            new Paragraph({ text: "Budget", heading: HeadingLevel.HEADING_1 }),
            new Paragraph({ text: "The board approved the budget. It will be published on the U.S. site." }),
          ],
        },
      ],
    });
    const bytes = new Uint8Array(await Packer.toBuffer(doc));
    expect(sniffMediaType(bytes, "minutes")).toBe(DOCX);
    const docs = await segment("minutes.docx", bytes);
    expect(docs).toHaveLength(1);
    expect(docs[0]?.title).toBe("Minutes of the Board Meeting");
    expect(paras(docs[0])).toEqual([
      "The meeting opened at 9 a.m. Ms. Lee chaired it.",
      "Budget",
      "The board approved the budget. It will be published on the U.S. site.",
    ]);
    expect(sents(docs[0])).toEqual([
      "The meeting opened at 9 a.m.",
      "Ms. Lee chaired it.",
      "Budget",
      "The board approved the budget.",
      "It will be published on the U.S. site.",
    ]);
    expect(docs[0]?.sourceMap[1]).toMatchObject({ srcStart: "Minutes of the Board Meeting\n\n".length });
  });
});

describe("segmentFile on legacy encodings", () => {
  const text =
    "Café society\n\nThe café “Le Musée” opened on Monday — naïve visitors queued for crème brûlée. Prices start at €4.50.\n";

  it("decodes windows-1252 and says so", async () => {
    const bytes = iconv.encode(text, "windows-1252");
    const docs = await segment("cafe.txt", bytes);
    expect(docs[0]?.file.charset).toBe("windows-1252");
    expect(docs[0]?.warnings).toEqual([]);
    expect(docs[0]?.title).toBe("Café society");
    expect(paras(docs[0])).toEqual([text.split("\n\n")[1]?.trim()]);
    expect(docs[0]?.sourceMap[1]).toMatchObject({ srcStart: "Café society\n\n".length });
  });

  for (const [charset, bom] of [
    ["utf-16le", [0xff, 0xfe]],
    ["utf-16be", [0xfe, 0xff]],
  ] as const) {
    it(`decodes ${charset} with a byte-order mark; offsets count characters, not bytes`, async () => {
      const bytes = new Uint8Array([...bom, ...iconv.encode(text, charset)]);
      expect(sniffMediaType(bytes, "cafe.txt")).toBe("text/plain");
      const docs = await segment("cafe.txt", bytes);
      expect(docs[0]?.file.charset).toBe(charset);
      expect(docs[0]?.text).toBe(text.trim());
      expect(sents(docs[0])).toEqual([
        "The café “Le Musée” opened on Monday — naïve visitors queued for crème brûlée.",
        "Prices start at €4.50.",
      ]);
    });
  }

  it("decodes Shift_JIS and GB18030 found by the detector", async () => {
    const ja = "東京都は月曜日、新しい予算案を発表した。予算は前年より増えている。市民の反応はさまざまだ。\n".repeat(4);
    const docsJa = await segment("ja.txt", iconv.encode(ja, "shift_jis"));
    expect(docsJa[0]?.file.charset).toBe("shift_jis");
    expect(docsJa[0]?.text).toContain("東京都は月曜日");
    const zh = "北京市政府星期一公布了新的预算方案。预算比去年有所增加。市民的反应不一。\n".repeat(4);
    const docsZh = await segment("zh.txt", iconv.encode(zh, "gb18030"));
    expect(docsZh[0]?.text).toContain("北京市政府星期一");
  });

  it("flags a decoding full of replacement characters", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("Broken \uFFFD\uFFFD\uFFFD text here.")]);
    const docs = await segment("broken.txt", bytes);
    expect(docs[0]?.warnings.join(" ")).toMatch(/replacement characters/);
  });
});

describe("segmentFile on other input", () => {
  it("refuses media types it does not read", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(sniffMediaType(png, "x.png")).toBe("image/png");
    await expect(segment("x.png", png)).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    await expect(segment("x.png", png)).rejects.toThrow(/image\/png/);
  });

  it("refuses empty, blank and binary files as invalid input", async () => {
    await expect(segment("e.txt", new Uint8Array(), "text/plain")).rejects.toBeInstanceOf(InvalidInputError);
    await expect(segment("b.txt", new TextEncoder().encode(" \n\n \t"), "text/plain")).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    const binary = new Uint8Array(256).map((_, i) => (i * 7) % 256);
    expect(sniffMediaType(binary, "b.txt")).toBe("application/octet-stream");
    await expect(segment("b.txt", binary, "text/plain")).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("reads Markdown without its markup, mapping text back to the source", async () => {
    const md =
      "# Launch day\n\nThe **new** model ships on *Monday*. See [the notes](https://x.y/notes).\n\n- First item\n- Second item\n";
    const docs = await segment("notes.md", new TextEncoder().encode(md));
    expect(docs[0]?.title).toBe("Launch day");
    expect(paras(docs[0])).toEqual(["The new model ships on Monday. See the notes.", "First item", "Second item"]);
    const d = docs[0] as SegmentedDocument;
    const at = d.text.indexOf("Monday");
    const s = toSourceSpan(d.sourceMap, { start: at, end: at + 6 });
    expect(md.slice(s.sourceStart, s.sourceEnd)).toBe("Monday");
  });

  it("keeps a note's section heading, its list and its closing line: a note has no chrome", async () => {
    const md =
      "# Team offsite\n\nWe meet in the old library on Thursday to plan the spring release and to agree who owns which part.\n\n## Details\n\n- Bring your laptop\n- Lunch is provided\n\nSee you there.\n";
    const docs = await segment("offsite.md", new TextEncoder().encode(md));
    expect(docs).toHaveLength(1);
    expect(paras(docs[0]).slice(1)).toEqual(["Details", "Bring your laptop", "Lunch is provided", "See you there."]);
    expect(docs[0]?.removed).toEqual([]);
  });

  it("keeps a letter's closing and signature, and still drops a share button after a note", async () => {
    const body =
      "The budget review moves to the first week of March, after the auditors asked for two more weeks to check the figures.\n\nPlease send your department's numbers by Friday so that we can prepare the tables.";
    for (const [closing, signature] of [
      ["Kind regards,", ["Hannah Berg"]],
      ["Cheers,", ["Tom", "Head of Finance"]],
    ] as const) {
      const text = `Budget review moved\n\n${body}\n\n${closing}\n${signature.join("\n")}\n`;
      const docs = await segment("letter.txt", new TextEncoder().encode(text));
      expect(docs).toHaveLength(1);
      expect(paras(docs[0]).slice(-1 - signature.length)).toEqual([closing, ...signature]);
      expect(docs[0]?.removed).toEqual([]);
    }
    const shared = await segment(
      "note.txt",
      new TextEncoder().encode(`Budget review moved\n\n${body}\n\nShare this\n`),
    );
    expect(shared[0]?.removed.map((r) => r.text)).toEqual(["Share this"]);
  });
});
