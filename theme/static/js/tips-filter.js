// /tipps/: narrow the list of tips as the reader types, and by topic.
// Without JavaScript the form stays hidden and the whole list is shown.
import { clearHighlights, highlight, loadPagefind, queryTerms } from "./search-core.js";

// Each shown match costs a small download, so a query that matches
// hundreds of tips shows the best ones only.
const MOST_SHOWN = 50;

const form = document.getElementById("tipps-filter");
const list = document.getElementById("tipps-liste");

if (form && list) {
  const base = form.dataset.searchBase;
  const input = form.querySelector("input[type=search]");
  const topic = form.querySelector("select");
  const status = form.querySelector("[role=status]");
  const items = [...list.querySelectorAll(".tips-item")];
  let generation = 0;

  async function matchingUrls(query, theme) {
    const pagefind = await loadPagefind(base);
    const filters = { typ: "Tipp" };
    if (theme) filters.thema = theme;
    const search = await pagefind.search(query, { filters });
    const best = search.results.slice(0, MOST_SHOWN);
    const records = await Promise.all(best.map((result) => result.data()));
    return { urls: new Set(records.map((record) => record.meta.url)), total: search.results.length };
  }

  async function update() {
    const run = ++generation;
    const query = input.value.trim();
    const theme = topic.value;
    const matches = query ? await matchingUrls(query, theme) : null;
    if (run !== generation) return; // a newer keystroke has taken over
    const urls = matches && matches.urls;
    const terms = queryTerms(query);
    let shown = 0;
    for (const item of items) {
      const themes = item.dataset.themen.split("|");
      const visible = (!urls || urls.has(item.dataset.url)) && (!theme || themes.includes(theme));
      item.hidden = !visible;
      clearHighlights(item);
      if (visible) {
        shown += 1;
        highlight(item.querySelector(".tips-heading"), terms);
        highlight(item.querySelector(".tips-text"), terms);
      }
    }
    if (!query && !theme) status.textContent = "";
    else if (shown === 0) status.textContent = query ? `Kein Tipp passt zu „${query}“.` : "Kein Tipp zu diesem Thema.";
    else if (matches && matches.total > shown) status.textContent = `${matches.total} Tipps passen; hier die ${shown} besten. Ein genaueres Wort grenzt weiter ein.`;
    else status.textContent = `${shown} von ${items.length} Tipps`;
    list.dataset.shownFor = `${query}|${theme}`; // what the list shows now
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("focus", () => loadPagefind(base), { once: true });
  input.addEventListener("input", update);
  topic.addEventListener("change", update);

  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    update();
  }
}
