import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rng } from "@sift/learn";
import { Label } from "../labels.js";

/** A page made by the generator: its text, and the label of each non-blank line. */
export interface GeneratedPage {
  text: string;
  labels: number[];
  /** Pages of one portal share chrome; the portal names the group. */
  portal: string;
  kind: "page" | "document";
}

export interface Article {
  title: string;
  paragraphs: string[];
}

/** News articles (headline, then one paragraph a line; blank lines between articles) from ner-resources. */
export function loadArticles(shared: string): Article[] {
  const dir = join(shared, "data", "ner-resources", "unlabeled");
  const files = ["bbc/bbc-2004-2005-00.txt", "bbc/bbc-2004-2005-01.txt", "abc-2006/abc-2006-rural.txt"].map((f) =>
    join(dir, f),
  );
  const out: Article[] = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    for (const block of readFileSync(f, "utf8").split(/\n\s*\n/)) {
      const lines = block
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
      const [title, ...paragraphs] = lines;
      if (!title || paragraphs.length < 2 || title.length > 120) continue;
      out.push({ title, paragraphs });
    }
  }
  return out;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const chance = (r: Rand, p: number) => r() < p;
const between = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
function sample<T>(r: Rand, xs: readonly T[], n: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

const SITE_WORDS = [
  "Daily",
  "Morning",
  "Evening",
  "Weekly",
  "Star",
  "Post",
  "Times",
  "Herald",
  "Mail",
  "Tribune",
  "Gazette",
  "Observer",
  "Chronicle",
  "Courier",
  "Journal",
  "Express",
  "News",
  "Wire",
  "Dispatch",
  "Standard",
  "Monitor",
  "Record",
  "Sentinel",
  "Review",
  "Insider",
  "Today",
  "Report",
  "Voice",
  "Bulletin",
  "Press",
  "Digest",
  "Ledger",
  "Beacon",
  "Globe",
  "Pulse",
];
const PLACES = [
  "Coastal",
  "Northern",
  "Pacific",
  "Metro",
  "Capital",
  "Valley",
  "Harbour",
  "Lakeside",
  "Eastern",
  "Southern",
  "Island",
  "Highland",
  "River",
  "Central",
  "Western",
  "Bay",
  "Prairie",
  "Summit",
  "Atlas",
  "Orient",
];
function siteName(r: Rand): string {
  switch (between(r, 0, 9)) {
    case 9:
    case 6:
      // an acronym: "CNA", "KTV"
      return Array.from({ length: between(r, 2, 4) }, () => String.fromCharCode(65 + between(r, 0, 25))).join("");
    case 7:
      // camel case run together: "theSun", "NewsDaily"
      return `${pick(r, ["the", "my", "e", "i", ""])}${pick(r, SITE_WORDS)}${chance(r, 0.5) ? pick(r, SITE_WORDS) : ""}`;
    case 8:
      return `${pick(r, SITE_WORDS)} ${pick(r, ["TV", "FM", "Online", "Daily", "Now"])}`;
    case 0:
      return `The ${pick(r, SITE_WORDS)}`;
    case 1:
      return `${pick(r, PLACES)} ${pick(r, SITE_WORDS)}`;
    case 2:
      return `${pick(r, SITE_WORDS)}${pick(r, ["24", "365", "Now", "Online", "8", "One"])}`;
    case 3:
      return `The ${pick(r, PLACES)} ${pick(r, SITE_WORDS)}`;
    case 4:
      return `${pick(r, PLACES)}${pick(r, ["News", "Times", "Post"])}.${pick(r, ["com", "net", "co.uk", "org"])}`;
    default:
      return `${pick(r, SITE_WORDS)} ${pick(r, SITE_WORDS)}`;
  }
}

const SECTIONS = [
  "Home",
  "News",
  "World",
  "Politics",
  "Business",
  "Markets",
  "Tech",
  "Technology",
  "Science",
  "Health",
  "Sport",
  "Sports",
  "Football",
  "Culture",
  "Entertainment",
  "Lifestyle",
  "Travel",
  "Opinion",
  "Video",
  "Podcasts",
  "Weather",
  "Local",
  "Asia",
  "Europe",
  "Africa",
  "Americas",
  "Middle East",
  "Economy",
  "Climate",
  "Education",
  "Food",
  "Style",
  "Arts",
  "Books",
  "Music",
  "Film",
  "TV",
  "Cars",
  "Property",
  "Jobs",
  "Obituaries",
  "Puzzles",
  "Newsletters",
  "Live",
];
const BUTTONS = [
  "Share",
  "Share this",
  "Share this article",
  "Tweet",
  "Email",
  "Print",
  "Save",
  "Save article",
  "Copy link",
  "Facebook",
  "Twitter",
  "WhatsApp",
  "LinkedIn",
  "Telegram",
  "Subscribe",
  "Sign in",
  "Log in",
  "Register",
  "Sign up",
  "Menu",
  "Search",
  "Close",
  "Follow",
  "Follow us",
  "Listen",
  "Listen to this article",
  "Download app",
  "Open in app",
  "Gift this article",
  "Comment",
  "Reply",
  "Like",
  "Report",
  "Back to top",
  "Skip to content",
  "Skip to main content",
];
const NOTICES = [
  "Advertisement",
  "ADVERTISEMENT",
  "Sponsored",
  "Sponsored content",
  "Promoted",
  "Ad",
  "Story continues below advertisement",
  "Continue reading below",
  "This article is more than 2 years old",
  "Cookie settings",
  "Accept all cookies",
  "We use cookies to improve your experience.",
  "Privacy Policy",
  "Terms of Use",
  "Terms and Conditions",
  "Contact us",
  "About us",
  "Careers",
  "Advertise with us",
  "Help",
  "Site map",
  "Accessibility",
  "Manage preferences",
  "Get the app",
  "Breaking news",
  "Live updates",
  "Most read",
  "Trending",
  "Editor's picks",
  "Top stories",
  "Read next",
  "Watch",
  "Photos",
  "Loading...",
  "No comments yet...",
  "Be the first to comment",
  "Log in to comment",
  "Show comments",
  "0 comments",
  "Hide comments",
  "View all",
  "See more",
  "Load more",
  "Show more",
  "Topics",
  "Tags",
  "Hashtags",
  "Keywords",
  "Filed under",
  "Explore more",
  "Try our new features",
  "Try the beta",
  "Get alerts",
  "Join the conversation",
  "What do you think?",
  "Have your say",
  "Report an error",
  "Corrections",
  "Sign up for our newsletter",
  "Our daily briefing, in your inbox",
  "Enter your email address",
  "Thank you for reading",
  "Support independent journalism",
  "Become a member",
  "Already a subscriber? Log in",
];
const RELATED_HEADINGS = [
  "Related Articles",
  "Related articles",
  "Related",
  "Related stories",
  "Related news",
  "More from {site}",
  "More stories",
  "More on this story",
  "You may also like",
  "You might also like",
  "Recommended",
  "Recommended for you",
  "Read more",
  "Also read",
  "See also",
  "Latest",
  "Latest news",
  "Latest stories",
  "Top stories",
  "Most popular",
  "Trending now",
  "In other news",
  "Elsewhere on {site}",
  "Around the web",
  "MORE NEWS",
  "RELATED",
];
const NAMES = [
  "Anna",
  "James",
  "Maria",
  "David",
  "Sarah",
  "John",
  "Laura",
  "Peter",
  "Emma",
  "Daniel",
  "Sofia",
  "Thomas",
  "Olivia",
  "Michael",
  "Nina",
  "Paul",
  "Hannah",
  "Mark",
  "Julia",
  "Chris",
  "Elena",
  "Omar",
  "Priya",
  "Kenji",
  "Amara",
  "Lucas",
];
const SURNAMES = [
  "Smith",
  "Jones",
  "Garcia",
  "Miller",
  "Brown",
  "Wilson",
  "Taylor",
  "Clark",
  "Lewis",
  "Walker",
  "Hall",
  "Young",
  "King",
  "Wright",
  "Lopez",
  "Hill",
  "Green",
  "Adams",
  "Baker",
  "Nelson",
  "Carter",
  "Mitchell",
  "Perez",
  "Roberts",
  "Turner",
  "Phillips",
  "Campbell",
  "Parker",
  "Evans",
  "Edwards",
  "Collins",
  "Stewart",
  "Sanchez",
  "Morris",
  "Rogers",
  "Reed",
];
const AGENCIES = ["Reuters", "AP", "AFP", "Bloomberg", "PA", "dpa", "Xinhua", "ANI", "Kyodo", "EFE"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const person = (r: Rand) => `${pick(r, NAMES)} ${pick(r, SURNAMES)}`;

function age(r: Rand): string {
  const n = between(r, 1, 23);
  switch (between(r, 0, 7)) {
    case 0:
      return "an hour ago";
    case 1:
      return `${n} hours ago`;
    case 2:
      return `${between(r, 2, 59)} minutes ago`;
    case 3:
      return `${between(r, 2, 6)} days ago`;
    case 4:
      return "yesterday";
    case 5:
      return `${n}h ago`;
    case 6:
      return `Updated ${n} hours ago`;
    default:
      return "a day ago";
  }
}

function date(r: Rand): string {
  const d = between(r, 1, 28);
  const y = between(r, 2015, 2026);
  const m = between(r, 0, 11);
  const clock = `${between(r, 1, 12)}:${String(between(r, 0, 59)).padStart(2, "0")} ${pick(r, ["am", "pm", "AM", "PM"])}`;
  switch (between(r, 0, 6)) {
    case 0:
      return `${MONTHS[m]} ${d}, ${y}`;
    case 1:
      return `${d} ${MONTHS[m]} ${y}`;
    case 2:
      return `${SHORT_MONTHS[m]} ${d}, ${y} ${clock}`;
    case 3:
      return `${y}-${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    case 4:
      return `Published ${d} ${SHORT_MONTHS[m]} ${y}`;
    case 5:
      return `${pick(r, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])} ${d} ${MONTHS[m]} ${y} ${clock}`;
    default:
      return `Updated: ${MONTHS[m]} ${d}, ${y}`;
  }
}

/** A headline in the case a portal writes it. */
function headline(text: string, style: number): string {
  if (style === 1) return text.toUpperCase();
  if (style === 2) return text.replace(/\b([a-z])([a-z]{3,})\b/g, (_, a: string, b: string) => a.toUpperCase() + b);
  return text;
}

function deskCode(r: Rand): string {
  const part = () =>
    Array.from({ length: between(r, 2, 4) }, () => String.fromCharCode(97 + between(r, 0, 25))).join("");
  return Array.from({ length: between(r, 2, 4) }, part).join(pick(r, ["/", "/", "-"]));
}

/** What a portal keeps the same on every page. */
interface Portal {
  name: string;
  menu: string[];
  topChrome: string[];
  endChrome: string[];
  footer: string[];
  bullet: string;
  gap: number;
  crlf: boolean;
  titleStyle: number;
  relatedHeading: string | null;
  itemLayout: number;
  itemGap: number;
  wrap: number;
  byline: number;
}

function makePortal(r: Rand): Portal {
  const name = siteName(r);
  const fill = (s: string) => s.replace("{site}", name);
  return {
    name,
    menu: sample(r, SECTIONS, between(r, 0, 12)),
    topChrome: sample(r, [...BUTTONS, ...NOTICES], between(r, 0, 4)),
    endChrome: [
      ...(chance(r, 0.5) ? [deskCode(r)] : []),
      ...sample(r, [...NOTICES, ...BUTTONS], between(r, 1, 7)),
      ...(chance(r, 0.3) ? [`Explore what ${name} can do for you:`] : []),
    ].map(fill),
    footer: [
      ...sample(r, NOTICES, between(r, 0, 5)),
      ...(chance(r, 0.6) ? [`© ${between(r, 2010, 2026)} ${name}. All rights reserved.`] : []),
    ],
    bullet: pick(r, ["", "", "", " * ", "* ", "- ", "• "]),
    gap: pick(r, [0, 1, 1, 1, 2]),
    crlf: chance(r, 0.15),
    titleStyle: pick(r, [0, 0, 0, 1, 2, 2]),
    relatedHeading: chance(r, 0.8) ? fill(pick(r, RELATED_HEADINGS)) : null,
    // the sample's own layout (site, age, "- site", headline) is the commonest, as on the portals it comes from
    itemLayout: chance(r, 0.3) ? 0 : between(r, 1, 10),
    itemGap: pick(r, [0, 1, 2, 2]),
    wrap: chance(r, 0.12) ? between(r, 64, 80) : 0,
    byline: between(r, 0, 4),
  };
}

class Builder {
  readonly lines: Array<{ text: string; label: number }> = [];
  /** Blank lines before the next line. */
  pending = 0;
  add(text: string, label: number, gapBefore = 0): void {
    for (let i = 0; i < Math.max(this.pending, gapBefore); i++) this.lines.push({ text: "", label: -1 });
    this.pending = 0;
    this.lines.push({ text, label });
  }
  gap(n: number): void {
    this.pending = Math.max(this.pending, n);
  }
}

function wrap(text: string, width: number): string[] {
  if (width <= 0) return [text];
  const out: string[] = [];
  let cur = "";
  for (const w of text.split(" ")) {
    if (cur && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  return out;
}

/** A longer headline, as many sites write them: the article's first sentence without its stop, when it has 8 to 18 words. */
function longHeadline(r: Rand, a: Article): string {
  const first = /^[^.!?]+[.!?]/.exec(a.paragraphs[0] ?? "")?.[0] ?? "";
  const words = first.split(/\s+/).length;
  if (!chance(r, 0.35) || words < 8 || words > 18) return a.title;
  return first.replace(/[.!?]$/, "").replace(/"([^"]+)"/g, (_, q: string) => (chance(r, 0.5) ? `‘${q}'` : `'${q}'`));
}

/** How a related item says where it is from: its parts in one of many orders, some on one line. */
function itemHeader(r: Rand, p: Portal, title: string, site: string, when: string): Array<[string, number]> {
  const sep = () => pick(r, [" • ", " | ", " · ", " - ", " — "]);
  const dash = () => `${pick(r, ["- ", "– ", "— "])}${site}`;
  switch (p.itemLayout) {
    case 0: // site, age, "- site", title (the sample's shape)
      return [
        [site, Label.relatedSource],
        [when, Label.relatedSource],
        [dash(), Label.relatedSource],
        [title, Label.relatedTitle],
      ];
    case 1:
      return [
        [title, Label.relatedTitle],
        [`${site}${sep()}${when}`, Label.relatedSource],
      ];
    case 2:
      return [
        [`${site}${sep()}${when}`, Label.relatedSource],
        [title, Label.relatedTitle],
      ];
    case 3:
      return [
        [title, Label.relatedTitle],
        [`By ${person(r)}`, Label.relatedSource],
        [when, Label.relatedSource],
      ];
    case 4:
      return [
        [site, Label.relatedSource],
        [title, Label.relatedTitle],
        [when, Label.relatedSource],
      ];
    case 5:
      return [
        [when, Label.relatedSource],
        [title, Label.relatedTitle],
      ];
    case 6:
      return [[title, Label.relatedTitle]];
    case 7:
      return [
        [title, Label.relatedTitle],
        [site, Label.relatedSource],
        [when, Label.relatedSource],
      ];
    case 8:
      return [
        [site, Label.relatedSource],
        [title, Label.relatedTitle],
      ];
    case 9:
      return [
        [title, Label.relatedTitle],
        [when, Label.relatedSource],
      ];
    default:
      return [
        [site, Label.relatedSource],
        [when, Label.relatedSource],
        [title, Label.relatedTitle],
      ];
  }
}

function related(r: Rand, b: Builder, p: Portal, a: Article): void {
  const site = chance(r, 0.6) ? siteName(r) : p.name;
  const title = headline(longHeadline(r, a), p.titleStyle);
  const when = chance(r, 0.7) ? age(r) : date(r);
  const body = chance(r, 0.5) ? [a.paragraphs.join(" ")] : a.paragraphs.slice(0, between(r, 1, 3));
  b.gap(p.itemGap);
  for (const [text, label] of itemHeader(r, p, title, site, when)) b.add(text, label);
  if (!chance(r, 0.15)) for (const para of body) b.add(para, Label.relatedBody);
}

function menuLines(b: Builder, p: Portal, items: string[]): void {
  for (const m of items) b.add(`${p.bullet}${m}`, Label.pre);
}

const NEWSLETTER_PROSE = [
  "Get the best of {site} delivered to your inbox every morning. Sign up for our newsletter today.",
  "We use cookies to personalise content and ads, and to analyse our traffic. By continuing to use this site you agree to our use of cookies.",
  "Support independent journalism: become a member of {site} for less than the price of a coffee a week.",
  "This article is part of our free coverage. To read more stories like it, subscribe to {site} now.",
  "Have a story idea or a tip? Write to our newsroom and we will get back to you within a day.",
];

function authorBio(r: Rand, b: Builder, p: Portal): void {
  const who = person(r);
  if (chance(r, 0.6)) b.add(pick(r, ["About the author", "The author", "About the writer", who]), Label.post, 1);
  b.add(
    `${who} is a ${pick(r, ["reporter", "correspondent", "senior writer", "editor"])} at ${p.name}, covering ${pick(r, SECTIONS).toLowerCase()} and ${pick(r, SECTIONS).toLowerCase()}. ${pick(r, ["Follow them on social media.", "Contact them by email.", "They joined in 2019.", ""])}`.trim(),
    Label.post,
  );
}

/** A comment section: a count, then names, ages, the comments themselves (prose) and reply buttons. */
function comments(r: Rand, b: Builder, from: Article[]): void {
  b.add(pick(r, ["Comments", "Comments (3)", "3 comments", "Join the discussion", "Reader comments"]), Label.post, 1);
  for (const a of from) {
    const user = `${pick(r, NAMES).toLowerCase()}${chance(r, 0.5) ? between(r, 1, 999) : ""}`;
    b.add(chance(r, 0.5) ? `${user} says:` : user, Label.post, pick(r, [0, 1]));
    b.add(chance(r, 0.5) ? age(r) : date(r), Label.post);
    const sentence = (a.paragraphs[between(r, 0, a.paragraphs.length - 1)] ?? "")
      .split(/(?<=[.!?])\s/)
      .slice(0, between(r, 1, 3))
      .join(" ");
    if (sentence) b.add(sentence, Label.post);
    if (chance(r, 0.5)) b.add(pick(r, ["Reply", "Report", "Like"]), Label.post);
  }
}

/** Teasers with no source line: a headline and its first sentence, links to other stories. */
function teasers(r: Rand, b: Builder, p: Portal, from: Article[]): void {
  b.add(pick(r, RELATED_HEADINGS).replace("{site}", p.name), Label.post, 1);
  for (const a of from) {
    b.add(a.title, Label.post, pick(r, [0, 1]));
    const first = (a.paragraphs[0] ?? "").split(/(?<=[.!?])\s/)[0];
    if (first && chance(r, 0.7)) b.add(first, Label.post);
  }
}

/** One page of a portal: chrome, the article, chrome, related items, footer. */
function makePage(r: Rand, p: Portal, main: Article, others: Article[]): GeneratedPage {
  const b = new Builder();
  const head = chance(r, 0.5);
  if (head) {
    if (chance(r, 0.5)) b.add(p.name, Label.pre);
    menuLines(b, p, p.menu);
    for (const c of p.topChrome) b.add(c, Label.pre);
    if (chance(r, 0.3)) b.add(sample(r, SECTIONS, 3).join(" > "), Label.pre);
    b.gap(pick(r, [1, 2, 3]));
  }
  b.add(headline(longHeadline(r, main), p.titleStyle), Label.title);
  switch (p.byline) {
    case 1:
      b.add(`By ${person(r)}`, Label.source);
      b.add(date(r), Label.source);
      break;
    case 2:
      b.add(`${p.name} ${pick(r, ["•", "|", "·"])} ${age(r)}`, Label.source);
      break;
    case 3:
      b.add(`${person(r)}, ${pick(r, AGENCIES)}`, Label.source);
      break;
    default:
  }
  b.gap(p.gap);
  const paras = main.paragraphs.slice(0, between(r, 2, 20));
  const adAt = chance(r, 0.25) ? between(r, 1, Math.max(1, paras.length - 1)) : -1;
  paras.forEach((para, i) => {
    if (i === adAt) {
      b.gap(p.gap);
      b.add(
        pick(r, [
          "Advertisement",
          "ADVERTISEMENT",
          "Story continues below",
          "Read more:",
          `Read more: ${others[0]?.title ?? "More news"}`,
        ]),
        Label.inner,
      );
    }
    const text =
      i === 0 && chance(r, 0.2)
        ? `${pick(r, ["LONDON", "PARIS", "NEW YORK", "SYDNEY", "BERLIN", "TOKYO"])} (${pick(r, AGENCIES)}) — ${para}`
        : para;
    b.gap(p.gap);
    for (const l of wrap(text, p.wrap)) b.add(l, Label.body);
    if (p.wrap) b.gap(1);
  });
  if (chance(r, 0.3)) b.add(`— ${pick(r, AGENCIES)}`, Label.body);
  b.gap(pick(r, [0, 0, 1, 2]));
  for (const c of p.endChrome) b.add(c, Label.post, chance(r, 0.3) ? 1 : 0);
  // prose that is not the article: what real pages put after it, and what a model must not take for text
  if (chance(r, 0.25)) authorBio(r, b, p);
  if (chance(r, 0.2)) b.add(pick(r, NEWSLETTER_PROSE).replace("{site}", p.name), Label.post, 1);
  if (chance(r, 0.3)) comments(r, b, others.slice(-3));
  if (chance(r, 0.25)) teasers(r, b, p, others.slice(-4, -1));
  const items = others.slice(1, 1 + between(r, 0, 5));
  if (items.length > 0) {
    if (p.relatedHeading) b.add(p.relatedHeading, Label.post, pick(r, [0, 1]));
    b.gap(pick(r, [1, 2, 2]));
    for (const a of items) related(r, b, p, a);
  }
  if (chance(r, 0.6)) {
    b.gap(pick(r, [1, 2]));
    for (const c of p.footer) b.add(c, Label.post);
  }
  return finish(b, p, "page");
}

const HEADINGS = [
  "Details",
  "Background",
  "Next steps",
  "Summary",
  "Notes",
  "What happens next",
  "Key points",
  "Timeline",
  "Agenda",
  "Action items",
  "Open questions",
  "Budget",
  "Results",
  "Method",
  "Context",
  "Decisions",
  "Risks",
  "Contacts",
];
const SIGN_OFFS = [
  "Thanks,",
  "Best regards,",
  "Let me know what you think.",
  "More soon.",
  "See you on Monday.",
  "Cheers,",
  "Kind regards,",
];
const GREETINGS = ["Hi all,", "Dear colleagues,", "Hello team,", "Hi Anna,", "Good morning,"];

/** Short list items from a paragraph's words: what a note's bullet points look like. */
function items(r: Rand, para: string, n: number): string[] {
  const words = para.replace(/[.,;:!?"]/g, "").split(" ");
  return Array.from({ length: n }, (_, k) => words.slice(k * 3, k * 3 + between(r, 1, 6)).join(" ")).filter(Boolean);
}

/** A document that is not a web page (a note, a letter, a report, a one-liner): everything in it is its text. */
function makeDocument(r: Rand, a: Article): GeneratedPage {
  const p = { crlf: chance(r, 0.1), name: "doc" } as Portal;
  const b = new Builder();
  const markdown = chance(r, 0.4);
  const kind = between(r, 0, 4);
  const bullet = markdown ? pick(r, ["- ", "* ", "1. "]) : pick(r, ["- ", "* ", "• ", ""]);
  const heading = (t: string) => (markdown ? pick(r, [`## ${t}`, `### ${t}`, `**${t}**`]) : t);
  if (kind === 0) {
    // a line or two
    b.add(a.paragraphs[0]?.split(/(?<=[.!?])\s/)[0] ?? a.title, Label.body);
    if (chance(r, 0.4)) b.add(pick(r, NAMES), Label.body);
    return finish(b, p, "document");
  }
  if (kind === 1) {
    // a letter
    b.add(pick(r, GREETINGS), Label.body);
    b.gap(1);
    for (const para of a.paragraphs.slice(0, between(r, 1, 3))) {
      b.gap(1);
      b.add(para, Label.body);
    }
    b.gap(1);
    b.add(pick(r, SIGN_OFFS), Label.body);
    b.add(person(r), Label.body);
    return finish(b, p, "document");
  }
  if (chance(r, 0.8)) b.add(markdown ? `# ${a.title}` : a.title, Label.title);
  b.gap(1);
  const paras = a.paragraphs.slice(0, between(r, 1, 8));
  paras.forEach((para, i) => {
    b.gap(1);
    if (kind === 3 && i > 0 && chance(r, 0.5)) {
      b.add(heading(`${i}. ${pick(r, HEADINGS)}`), Label.body);
      b.gap(markdown ? 1 : pick(r, [0, 1]));
    }
    b.add(para, Label.body);
    if ((i === 0 && chance(r, 0.6)) || (kind === 4 && chance(r, 0.4))) {
      b.gap(1);
      b.add(heading(pick(r, HEADINGS)), Label.body);
      b.gap(pick(r, [0, 1]));
      for (const item of items(r, para, between(r, 2, 6))) b.add(`${bullet}${item}`, Label.body);
    }
  });
  if (chance(r, 0.5)) {
    b.gap(1);
    b.add(pick(r, SIGN_OFFS), Label.body);
    if (chance(r, 0.6)) b.add(pick(r, NAMES), Label.body);
  }
  return finish(b, p, "document");
}

function finish(b: Builder, p: Portal, kind: GeneratedPage["kind"]): GeneratedPage {
  const eol = p.crlf ? "\r\n" : "\n";
  return {
    text: `${b.lines.map((l) => l.text).join(eol)}${eol}`,
    labels: b.lines.filter((l) => l.text.trim() !== "").map((l) => l.label),
    portal: p.name,
    kind,
  };
}

/** Pages of many made-up portals (several pages each, so chrome recurs) and plain documents, from a seed. */
export function generatePages(
  articles: Article[],
  opts: { portals: number; documents: number; seed: number },
): GeneratedPage[] {
  const r = rng(opts.seed);
  const out: GeneratedPage[] = [];
  let next = 0;
  const take = () => articles[next++ % articles.length] as Article;
  for (let i = 0; i < opts.portals; i++) {
    const portal = makePortal(r);
    const pages = between(r, 1, 4);
    for (let k = 0; k < pages; k++) {
      const main = take();
      const others = Array.from({ length: 7 }, take);
      out.push(makePage(r, portal, main, others));
    }
  }
  for (let i = 0; i < opts.documents; i++) out.push(makeDocument(r, take()));
  return out;
}
