// /tipps/: narrow the list of tips as the reader types, and by topic.
// Without JavaScript the form stays hidden and the whole list is shown.
import { anyTerm, highlight, loadPagefind, queryTerms } from "./search-core.js";

// Must match TIP_FILTER in plugins/tips/search.py: the tips page's bundle
// gives every tip a filter value of its own, its URL.
const TIP_FILTER = "tipp";

const form = document.getElementById("tipps-filter");
const list = document.getElementById("tipps-liste");
const results = document.getElementById("tipps-treffer");
const more = document.getElementById("tipps-mehr");

if (form && list && results && more) {
  const bundles = form.dataset.searchBundles;
  // Matches are shown as copies in a list of their own, so many at a time:
  // hiding a thousand tips one by one makes the browser work for the
  // better part of a second, a short list of copies takes milliseconds.
  const atOnce = Number(form.dataset.shownAtOnce) || 50;
  const input = form.querySelector("input[type=search]");
  const topic = form.querySelector("select");
  const status = form.querySelector("[role=status]");
  const items = [...list.querySelectorAll(".tips-item")];
  let generation = 0;
  let searchReady = null;
  let matches = [];
  let terms = [];
  let mayMatch = null;

  // Pagefind counts filter values only once the filters are loaded.
  function tipsSearch() {
    searchReady ??= loadPagefind(bundles).then(async (pagefind) => {
      await pagefind.filters();
      return pagefind;
    });
    return searchReady;
  }

  // The list already holds every tip, so no result's data is loaded: the
  // filter counts of the search name the tips that match.
  async function matchingUrls(query) {
    const pagefind = await tipsSearch();
    const search = await pagefind.search(query);
    const counts = search.filters[TIP_FILTER] || {};
    return new Set(Object.keys(counts).filter((url) => counts[url] > 0));
  }

  // A copy of a tip for the matches, with ids of its own.
  function copyOf(item) {
    const copy = item.cloneNode(true);
    for (const element of copy.querySelectorAll("[id]")) element.id += "-treffer";
    for (const element of copy.querySelectorAll("[aria-labelledby]")) {
      element.setAttribute("aria-labelledby", `${element.getAttribute("aria-labelledby")}-treffer`);
    }
    if (mayMatch) {
      highlight(copy.querySelector(".tips-heading"), terms, mayMatch);
      highlight(copy.querySelector(".tips-text"), terms, mayMatch);
    }
    return copy;
  }

  function showMore() {
    const next = matches.slice(results.children.length, results.children.length + atOnce);
    results.append(...next.map(copyOf));
    const left = matches.length - results.children.length;
    more.hidden = left <= 0;
    if (left === 1) more.textContent = "Den letzten passenden Tipp zeigen";
    else if (left <= atOnce) more.textContent = `Die letzten ${left} passenden Tipps zeigen`;
    else more.textContent = `${atOnce} weitere Tipps zeigen (noch ${left})`;
  }

  async function update() {
    const run = ++generation;
    const query = input.value.trim();
    const theme = topic.value;
    const urls = query ? await matchingUrls(query) : null;
    if (run !== generation) return; // a newer keystroke has taken over
    results.replaceChildren();
    if (!query && !theme) {
      matches = [];
      results.hidden = true;
      more.hidden = true;
      list.hidden = false;
      status.textContent = "";
    } else {
      terms = queryTerms(query);
      mayMatch = terms.length ? anyTerm(terms) : null;
      matches = items.filter((item) => (!urls || urls.has(item.dataset.url))
        && (!theme || item.dataset.themen.split("|").includes(theme)));
      list.hidden = true;
      results.hidden = false;
      showMore();
      if (matches.length === 0) status.textContent = query ? `Kein Tipp passt zu „${query}“.` : "Kein Tipp zu diesem Thema.";
      else status.textContent = `${matches.length} von ${items.length} Tipps`;
    }
    list.dataset.shownFor = `${query}|${theme}`; // what the page shows now
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("focus", tipsSearch, { once: true });
  input.addEventListener("input", update);
  topic.addEventListener("change", update);
  more.addEventListener("click", showMore);

  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    update();
  }
}
