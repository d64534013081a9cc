// Shared by the tips filter and the search page: loads this site's own
// Pagefind bundles, keeps only the results that match the query as the
// site's rule says (docs/suche.md), and shows them as text, never as markup.

let pagefindLoading = null;

// A page loads its bundles once: the first, with the others merged into
// it, so all are searched together (cases and tips on the search page;
// a large site's records come in several bundles).
export function loadPagefind(bundles) {
  if (!pagefindLoading) {
    const [first, ...others] = bundles.split(/\s+/).filter(Boolean).map((path) => new URL(path, document.baseURI).href);
    pagefindLoading = import(new URL("pagefind.js", first).href).then(async (pagefind) => {
      await pagefind.init();
      for (const other of others) await pagefind.mergeIndex(other);
      return pagefind;
    });
  }
  return pagefindLoading;
}

// How German is spelt without umlauts (ä as ae, ß as ss): the site's own
// table (plugins/german/spelling.py), which the page's form passes as
// data-umlaut-spellings; the scripts set it before they search.
let spellings = [];

export function useUmlautSpellings(json) {
  spellings = Object.entries(JSON.parse(json || "{}"));
}

export function fold(text) {
  let folded = text.toLowerCase();
  for (const [letter, spelling] of spellings) folded = folded.replaceAll(letter, spelling);
  return folded;
}

// German stemming as Pagefind does it, in its index and for a query: the
// Snowball stemmer for German, version 3 (snowballstem.org/algorithms/german,
// german.sbl), which Pagefind's stemmer implements. Only with the very same
// stems can the page tell a real match from Pagefind's fallback (see
// keepResults); tests/test_search_browser.py checks it on every word of
// the demo cases.
const VOWELS = new Set("aeiouyäöü");
const S_ENDING = new Set("bdfghklmnrt");
const ST_ENDING = new Set("bdfghklmnt");
const ET_ENDING = new Set("dfgklmnrstUzä");
const NOT_BEFORE_ET = ["tick", "plan", "geordn", "intern", "tr"];
const isVowel = (letter) => VOWELS.has(letter);

function prelude(word) {
  const w = [...word];
  // u and y between vowels count as consonants (upper case marks them).
  for (let at = 0; at + 2 < w.length; at += 1) {
    if (isVowel(w[at]) && (w[at + 1] === "u" || w[at + 1] === "y") && isVowel(w[at + 2])) w[at + 1] = w[at + 1].toUpperCase();
  }
  // ß as ss; ae, oe, ue as umlauts, but not the u of qu.
  let out = "";
  for (let at = 0; at < w.length;) {
    const two = (w[at] ?? "") + (w[at + 1] ?? "");
    if (w[at] === "ß") { out += "ss"; at += 1; } else if (two === "qu") { out += two; at += 2; } else if (two === "ae" || two === "oe" || two === "ue") {
      out += { ae: "ä", oe: "ö", ue: "ü" }[two];
      at += 2;
    } else { out += w[at]; at += 1; }
  }
  return out;
}

// Where R1 or R2 begins: after the first consonant that follows a vowel.
function regionAfter(w, from) {
  let at = from;
  while (at < w.length && !isVowel(w[at])) at += 1;
  while (at < w.length && isVowel(w[at])) at += 1;
  return Math.min(at + 1, w.length);
}

// Each word is stemmed once: marking a page of tips asks for thousands.
const stemOf = new Map();

export function stem(word) {
  let found = stemOf.get(word);
  if (found === undefined) {
    found = snowballStem(word);
    stemOf.set(word, found);
  }
  return found;
}

function snowballStem(word) {
  let w = prelude(word.toLowerCase());
  const letters = [...w];
  const p1 = letters.length < 3 ? letters.length : Math.max(regionAfter(letters, 0), 3);
  const p2 = letters.length < 3 ? letters.length : regionAfter(letters, regionAfter(letters, 0));
  w = letters;
  const endsWith = (suffix) => w.join("").endsWith(suffix);
  const start = (suffix) => w.length - [...suffix].length;
  const cut = (suffix, replacement = "") => { w = [...w.slice(0, start(suffix)), ...replacement]; };
  const longest = (suffixes) => suffixes.filter(endsWith).sort((a, b) => b.length - a.length)[0];
  const before = (suffix, count = 1) => w.slice(start(suffix) - count, start(suffix)).join("");

  let suffix = longest(["e", "em", "en", "erinnen", "erin", "ln", "ern", "er", "s", "es", "lns"]);
  if (suffix && start(suffix) >= p1) {
    if (suffix === "em") {
      if (!endsWith("system")) cut(suffix);
    } else if (["erinnen", "erin", "ern", "er"].includes(suffix)) cut(suffix);
    else if (["e", "en", "es"].includes(suffix)) {
      cut(suffix);
      if (endsWith("niss")) cut("s");
    } else if (suffix === "s") {
      if (S_ENDING.has(before(suffix))) cut(suffix);
    } else cut(suffix, "l"); // ln, lns
  }
  suffix = longest(["en", "er", "et", "st", "est"]);
  if (suffix && start(suffix) >= p1) {
    if (suffix === "st") {
      if (ST_ENDING.has(before(suffix)) && start(suffix) - 1 >= 3) cut(suffix);
    } else if (suffix === "et") {
      if (ET_ENDING.has(before(suffix)) && !NOT_BEFORE_ET.some((part) => w.slice(0, start(suffix)).join("").endsWith(part))) cut(suffix);
    } else cut(suffix);
  }
  suffix = longest(["end", "ig", "ung", "lich", "isch", "ik", "heit", "keit"]);
  if (suffix && start(suffix) >= p2) {
    if (suffix === "end" || suffix === "ung") {
      cut(suffix);
      if (endsWith("ig") && before("ig") !== "e" && start("ig") >= p2) cut("ig");
    } else if (suffix === "ig" || suffix === "ik" || suffix === "isch") {
      if (before(suffix) !== "e") cut(suffix);
    } else if (suffix === "lich" || suffix === "heit") {
      cut(suffix);
      const linking = ["er", "en"].find(endsWith);
      if (linking && start(linking) >= p1) cut(linking);
    } else {
      cut(suffix);
      const more = ["lich", "ig"].find(endsWith);
      if (more && start(more) >= p2) cut(more);
    }
  }
  return w.join("").replaceAll("U", "u").replaceAll("Y", "y").replaceAll("ä", "a").replaceAll("ö", "o").replaceAll("ü", "u");
}

// A query as Pagefind reads it: punctuation dropped, lower case, split at
// spaces; each word as its stem.
const PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;

export function queryStems(query) {
  return [...new Set(query.replace(PUNCTUATION, "").toLowerCase().split(/\s+/).filter(Boolean).map(stem))];
}

// The forms under which Pagefind indexes a word of a record: the word in
// lower case without its punctuation, and for a word with punctuation
// inside (E-Mail-Programm) its parts of two letters or more.
function indexedForms(word) {
  const whole = word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  if (!/[^\p{L}\p{N}]/u.test(word)) return [whole];
  // Pagefind's parts: split at punctuation and where camelCase changes case.
  const parts = word.replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2").toLowerCase().split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part.length > 1);
  return parts.length > 1 ? [whole, ...parts] : [whole];
}

// The rule: a word matches a query word when the stem of one of its
// indexed forms begins with the query word's stem, which is exactly
// when Pagefind itself finds it, short of its fallback to a shorter word.
export function wordMatches(word, stems) {
  return indexedForms(word).some((form) => form && stems.some((wanted) => stem(form).startsWith(wanted)));
}

const WORD = /[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*/gu;
// A word as a page sets it: the long words of a title shown as a heading
// hold soft hyphens (plugins/german/headings.py), which the reader does
// not see and a record never has; a mark keeps them, so the word still
// breaks with a hyphen on a narrow screen.
const SOFT_HYPHEN = "\u00ad";
const SHOWN_WORD = /[\p{L}\p{N}]+(?:\u00ad[\p{L}\p{N}]+)*(?:[-'’.][\p{L}\p{N}]+(?:\u00ad[\p{L}\p{N}]+)*)*/gu;

// What follows ``marker`` in a record (the form's data-extra-words-marker)
// are words for matching alone: parts of compounds, umlauts spelt out,
// the title. A record's text, as the reader sees it, is what comes before.
function split(content, marker) {
  const at = marker ? content.indexOf(marker) : -1;
  return at < 0 ? [content, ""] : [content.slice(0, at), content.slice(at + marker.length)];
}

// The words of a record that match the query: those of its text, and
// for each hidden word that matches, the words of the text it stands for
// (the compound it is part of, the word it spells without umlauts).
export function matcher(record, stems, marker) {
  const [visible, hidden] = split(record.content, marker);
  const standsFor = (hidden.match(WORD) ?? [])
    .filter((word) => wordMatches(word, stems))
    .map((word) => word.toLowerCase());
  return (word) => {
    if (wordMatches(word, stems)) return true;
    const lower = word.toLowerCase();
    const folded = fold(word);
    // Parts of compounds have four letters or more (plugins/search/compounds.py);
    // a shorter hidden word (of a title) stands only for itself.
    return standsFor.some((part) => (part.length >= 4 ? lower.includes(part) || folded.includes(part) : lower === part));
  };
}

// Whether a record matches every word of the query by the rule (in its
// text, or in the words kept for matching), judged on the words Pagefind
// reports as found in it (``locations``) and its title, which Pagefind
// searches too but reports no location for.
export function matchesQuery(record, stems) {
  const words = record.content.split(/\s+/);
  const found = (record.locations ?? []).map((at) => words[at]).filter(Boolean);
  found.push(...(record.meta?.title ?? "").split(/\s+/));
  return stems.every((wanted) => found.some((word) => wordMatches(word, [wanted])));
}

// The results of a search that match by the rule, best first.
// Pagefind, when no word of a bundle begins with a query word, finds the
// longest word of the bundle the query word begins with ("Erde": "er"),
// and then every result of that bundle for the query has only such words.
// So each bundle's results (``bundles``: the names the filter
// ``bundleFilter`` gives them) are kept or dropped by its best one.
//
// One search of all bundles at once finds them: its results come best
// first, so the first one of a bundle among them is that bundle's best.
// The first ``LOOK_AHEAD`` results are loaded (the page shows them
// anyway); a bundle not among them is searched on its own, and so is a
// bundle whose results are dropped, to know which they are. (Each such
// search runs in every bundle: one per bundle for every query would cost
// the square of their number, and a site has a bundle per shard.)
const LOOK_AHEAD = 30;

export async function keepResults(pagefind, query, options, bundleFilter, bundles) {
  const stems = queryStems(query ?? "");
  const all = await pagefind.search(query, options);
  if (!stems.length) return all.results;
  if (!all.results.length) return [];
  if (bundles.length <= 1) return matchesQuery(await recordOf(all.results[0]), stems) ? all.results : [];
  const matches = new Map(); // bundle -> whether its results match
  for (const record of await Promise.all(all.results.slice(0, LOOK_AHEAD).map(recordOf))) {
    const bundle = record.filters?.[bundleFilter]?.[0];
    if (!matches.has(bundle)) matches.set(bundle, matchesQuery(record, stems));
  }
  const alone = (name) => pagefind.search(query, { ...options, filters: { ...(options?.filters ?? {}), [bundleFilter]: name } });
  const dropped = new Set();
  const drop = (results) => results.forEach((result) => dropped.add(result.id));
  await Promise.all(bundles.map(async (name) => {
    if (matches.get(name) === true) return;
    const { results } = await alone(name);
    if (!results.length) return;
    if (!matches.has(name)) matches.set(name, matchesQuery(await recordOf(results[0]), stems));
    if (!matches.get(name)) drop(results);
  }));
  return dropped.size ? all.results.filter((result) => !dropped.has(result.id)) : all.results;
}

// The names of the bundles as the bundle filter has them: their folders
// below the site's base (plugins/search/generator.py).
export function bundleNames(bundles, base) {
  const root = new URL(base, document.baseURI).pathname;
  return bundles.split(/\s+/).filter(Boolean)
    .map((bundle) => new URL(bundle, document.baseURI).pathname.slice(root.length).replace(/^\/+|\/+$/g, ""));
}

export async function recordOf(result) {
  result.record ??= await result.data();
  return result.record;
}

// Wrap every word of the text below root that ``isMatch`` accepts in <mark>.
export function highlight(root, isMatch) {
  if (!root) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.textContent;
    const fragment = document.createDocumentFragment();
    let last = 0;
    let found = false;
    for (const match of text.matchAll(SHOWN_WORD)) {
      if (!isMatch(match[0].replaceAll(SOFT_HYPHEN, ""))) continue;
      found = true;
      fragment.append(text.slice(last, match.index));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      fragment.append(mark);
      last = match.index + match[0].length;
    }
    if (found) {
      fragment.append(text.slice(last));
      node.replaceWith(fragment);
    }
  }
}

// A short passage of a record's text around its first match, as DOM:
// only words the reader sees on the page, never those kept for matching.
export function excerpt(record, isMatch, marker, length = 28) {
  const [visible] = split(record.content, marker);
  const words = visible.split(/\s+/).filter(Boolean);
  let first = words.findIndex((word) => (word.match(WORD) ?? []).some(isMatch));
  if (first < 0) first = 0;
  const start = Math.max(0, first - Math.floor(length / 3));
  const paragraph = document.createElement("p");
  paragraph.className = "search-excerpt";
  paragraph.textContent = (start > 0 ? "… " : "") + words.slice(start, start + length).join(" ")
    + (start + length < words.length ? " …" : "");
  highlight(paragraph, isMatch);
  return paragraph;
}

export function siteUrl(base, url) {
  // The base is root-relative ("/"), as pages link: resolve it here first.
  return new URL(url.replace(/^\//, ""), new URL(base, document.baseURI)).href;
}
