// Shared by the tips filter and the search page: loads this site's own
// Pagefind bundle and shows results as text, never as markup.

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

const WORD = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;
const ENDING = /(?:ern|en|er|es|e|n|s)$/;

// What to highlight for a query: each word, folded, with a German ending
// cut off, so "Kunde" marks "Kunden" and "Beschwerden" marks "Beschwerde".
export function queryTerms(query) {
  const terms = new Set();
  for (const [word] of query.matchAll(WORD)) {
    let term = fold(word);
    const stem = term.replace(ENDING, "");
    if (stem.length >= 4) term = stem;
    if (term.length >= 2) terms.add(term);
  }
  return [...terms];
}

function matches(word, terms) {
  const folded = fold(word);
  return terms.some((term) => folded.includes(term));
}

const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// A pattern for the raw text that finds every place where the folded text
// contains the term, including terms that begin or end inside a folded
// umlaut ("er" in "Bär" → "baer").
function rawPattern(term) {
  let pattern = escaped(term);
  if (spellings.length) {
    const letters = new Map();
    for (const [letter, spelling] of spellings) letters.set(spelling, [...(letters.get(spelling) ?? []), letter]);
    const spelt = new RegExp([...letters.keys()].map(escaped).join("|"), "g");
    pattern = pattern.replace(spelt, (spelling) => `(?:${[spelling, ...letters.get(spelling)].map(escaped).join("|")})`);
  }
  const [first, last] = [pattern[0], pattern.at(-1)];
  const endingIn = spellings.filter(([, spelling]) => spelling.length > 1 && spelling.at(-1) === first).map(([letter]) => letter);
  const startingWith = spellings.filter(([, spelling]) => spelling.length > 1 && spelling[0] === last).map(([letter]) => letter);
  if (endingIn.length) pattern = `(?:${[...endingIn, first].join("|")})${pattern.slice(1)}`;
  if (startingWith.length) pattern = `${pattern.slice(0, -1)}(?:${[last, ...startingWith].join("|")})`;
  return pattern;
}

// Whether a text may contain a term at all: a quick test that spares the
// word-by-word look at text that cannot match.
export function anyTerm(terms) {
  return new RegExp(terms.map(rawPattern).join("|"), "i");
}

// Wrap every word of the text below root that contains a term in <mark>.
export function highlight(root, terms, mayMatch = anyTerm(terms)) {
  if (!root || !terms.length) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) {
    if (mayMatch.test(walker.currentNode.data)) nodes.push(walker.currentNode);
  }
  for (const node of nodes) {
    const text = node.textContent;
    const fragment = document.createDocumentFragment();
    let last = 0;
    let found = false;
    for (const match of text.matchAll(WORD)) {
      if (!matches(match[0], terms)) continue;
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

// A short passage of a result around its first visible match, as DOM.
// What follows ``marker`` in a record (the form's data-extra-words-marker)
// are search words the reader is not meant to see.
export function excerpt(content, terms, marker, length = 28) {
  const visible = marker ? content.split(marker)[0] : content;
  const words = visible.split(/\s+/).filter(Boolean);
  let first = words.findIndex((word) => matches(word, terms));
  if (first < 0) first = 0;
  const start = Math.max(0, first - Math.floor(length / 3));
  const paragraph = document.createElement("p");
  paragraph.className = "search-excerpt";
  paragraph.textContent = (start > 0 ? "… " : "") + words.slice(start, start + length).join(" ")
    + (start + length < words.length ? " …" : "");
  highlight(paragraph, terms);
  return paragraph;
}

export function siteUrl(base, url) {
  // The base is root-relative ("/"), as pages link: resolve it here first.
  return new URL(url.replace(/^\//, ""), new URL(base, document.baseURI)).href;
}
