// /tipps/: narrow the list of tips as the reader types, and by topic.
// Without JavaScript the form stays hidden and the whole list is shown.
import { anyTerm, clearHighlights, highlight, loadPagefind, queryTerms } from "./search-core.js";

// Must match TIP_FILTER in plugins/tips/search.py: the tips page's bundle
// gives every tip a filter value of its own, its URL.
const TIP_FILTER = "tipp";

const form = document.getElementById("tipps-filter");
const list = document.getElementById("tipps-liste");

if (form && list) {
  const bundles = form.dataset.searchBundles;
  const input = form.querySelector("input[type=search]");
  const topic = form.querySelector("select");
  const status = form.querySelector("[role=status]");
  const items = [...list.querySelectorAll(".tips-item")];
  let generation = 0;
  let searchReady = null;
  const highlighted = new Set(); // items with <mark>s to clear on the next update

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

  async function update() {
    const run = ++generation;
    const query = input.value.trim();
    const theme = topic.value;
    const urls = query ? await matchingUrls(query) : null;
    if (run !== generation) return; // a newer keystroke has taken over
    const terms = queryTerms(query);
    const mayMatch = terms.length ? anyTerm(terms) : null;
    for (const item of highlighted) clearHighlights(item);
    highlighted.clear();
    let shown = 0;
    for (const item of items) {
      const themes = item.dataset.themen.split("|");
      const visible = (!urls || urls.has(item.dataset.url)) && (!theme || themes.includes(theme));
      if (item.hidden === visible) item.hidden = !visible;
      if (visible && mayMatch) {
        shown += 1;
        const heading = highlight(item.querySelector(".tips-heading"), terms, mayMatch);
        if (highlight(item.querySelector(".tips-text"), terms, mayMatch) || heading) highlighted.add(item);
      } else if (visible) {
        shown += 1;
      }
    }
    if (!query && !theme) status.textContent = "";
    else if (shown === 0) status.textContent = query ? `Kein Tipp passt zu „${query}“.` : "Kein Tipp zu diesem Thema.";
    else status.textContent = `${shown} von ${items.length} Tipps`;
    list.dataset.shownFor = `${query}|${theme}`; // what the list shows now
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("focus", tipsSearch, { once: true });
  input.addEventListener("input", update);
  topic.addEventListener("change", update);

  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    update();
  }
}
