// /tipps/: search every tip as the reader types, and by topic. The page
// holds only the newest tips (the others are on the pages after it), so
// the matches come from the tips' own Pagefind bundle: a tip on this
// page is shown as it is here, any other from its search record.
// The form is in the page from the start (no jump when this script
// arrives); without JavaScript, css/noscript.css hides it.
import {
  bundleNames, excerpt, highlight, keepResults, loadPagefind, matcher, queryStems, recordOf, siteUrl, useUmlautSpellings,
} from "./search-core.js";

const form = document.getElementById("tipps-filter");
const list = document.getElementById("tipps-liste");
const results = document.getElementById("tipps-treffer");
const more = document.getElementById("tipps-mehr");

if (form && list && results && more) {
  useUmlautSpellings(form.dataset.umlautSpellings);
  const bundles = form.dataset.searchBundles;
  const base = form.dataset.searchBase;
  const names = bundleNames(bundles, base);
  const marker = form.dataset.extraWordsMarker;
  const total = Number(form.dataset.tipsCount);
  // Matches are shown a few at a time: each one not on this page costs
  // the download of its record.
  const atOnce = Number(form.dataset.shownAtOnce) || 20;
  const input = form.querySelector("input[type=search]");
  const topic = form.querySelector("select");
  const status = form.querySelector("[role=status]");
  const onPage = new Map([...list.querySelectorAll(".tips-item")].map((item) => [item.dataset.url, item]));
  let generation = 0;
  let matches = [];
  let shown = 0;
  let stems = [];

  // A copy of a tip on this page, with ids of its own, its matching words
  // marked as its record says.
  function copyOf(item, record) {
    const copy = item.cloneNode(true);
    for (const element of copy.querySelectorAll("[id]")) element.id += "-treffer";
    for (const element of copy.querySelectorAll("[aria-labelledby]")) {
      element.setAttribute("aria-labelledby", `${element.getAttribute("aria-labelledby")}-treffer`);
    }
    if (stems.length) {
      const isMatch = matcher(record, stems, marker);
      highlight(copy.querySelector("h2"), isMatch); // the case's title: its words find the tip too
      highlight(copy.querySelector(".tips-heading"), isMatch);
      highlight(copy.querySelector(".tips-text"), isMatch);
    }
    return copy;
  }

  // A tip from a later page, as its search record has it: title and text.
  function fromRecord(record) {
    const item = document.createElement("li");
    item.className = "tips-item";
    item.dataset.url = record.meta.url;
    const article = document.createElement("article");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = siteUrl(base, record.meta.url);
    link.textContent = record.meta.title;
    heading.append(link);
    const isMatch = stems.length ? matcher(record, stems, marker) : () => false;
    highlight(link, isMatch);
    const text = excerpt(record, isMatch, marker, 80);
    text.className = "tips-text";
    article.append(heading, text);
    item.append(article);
    return item;
  }

  // The next few matches as list items; null if a newer keystroke has
  // taken over meanwhile.
  async function nextItems(run) {
    const next = matches.slice(shown, shown + atOnce);
    shown += next.length;
    const records = await Promise.all(next.map(recordOf));
    if (run !== generation) return null;
    return records.map((record) => {
      const item = onPage.get(record.meta.url);
      return item ? copyOf(item, record) : fromRecord(record);
    });
  }

  function offerMore() {
    const left = matches.length - shown;
    more.hidden = left <= 0;
    if (left === 1) more.textContent = "Den letzten passenden Tipp zeigen";
    else if (left <= atOnce) more.textContent = `Die letzten ${left} passenden Tipps zeigen`;
    else more.textContent = `${atOnce} weitere Tipps zeigen (noch ${left})`;
  }

  async function showMore() {
    more.disabled = true;
    const items = await nextItems(generation);
    more.disabled = false;
    if (!items) return;
    results.append(...items);
    offerMore();
  }

  async function update() {
    const run = ++generation;
    const query = input.value.trim();
    const theme = topic.value;
    if (!query && !theme) {
      matches = [];
      results.replaceChildren();
      results.hidden = true;
      more.hidden = true;
      list.hidden = false;
      status.textContent = "";
    } else {
      const pagefind = await loadPagefind(bundles);
      const filters = theme ? { [form.dataset.topicFilter]: theme } : {};
      // Only tips that match by the rule (search-core.js, keepResults).
      const found = await keepResults(pagefind, query || null, { filters }, form.dataset.bundleFilter, names);
      if (run !== generation) return;
      stems = queryStems(query);
      matches = found;
      shown = 0;
      const items = await nextItems(run);
      if (!items) return;
      results.replaceChildren(...items);
      offerMore();
      list.hidden = true;
      results.hidden = false;
      if (matches.length === 0) status.textContent = query ? `Kein Tipp passt zu „${query}“.` : "Kein Tipp zu diesem Thema.";
      else status.textContent = `${matches.length} von ${total} Tipps`;
    }
    list.dataset.shownFor = `${query}|${theme}`; // what the page shows now
  }

  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("focus", () => loadPagefind(bundles), { once: true });
  input.addEventListener("input", update);
  topic.addEventListener("change", update);
  more.addEventListener("click", showMore);

  // A query from the address, or typed before this script arrived.
  const query = new URLSearchParams(window.location.search).get("q");
  if (query && !input.value) input.value = query;
  if (input.value.trim() || topic.value) update();
}
