// /suche/: search all cases and tips. The header's search field sends
// ?q=… here, so the query in the address runs as soon as the page opens.
import {
  bundleNames, excerpt, highlight, keepResults, loadPagefind, matcher, queryStems, recordOf, siteUrl, useUmlautSpellings,
} from "./search-core.js";

const form = document.getElementById("suche");
const results = document.getElementById("suche-ergebnisse");
const status = document.getElementById("suche-status");

if (form && results) {
  useUmlautSpellings(form.dataset.umlautSpellings);
  const base = form.dataset.searchBase;
  const bundles = form.dataset.searchBundles;
  const names = bundleNames(bundles, base);
  const marker = form.dataset.extraWordsMarker;
  const input = form.querySelector("input[type=search]");
  let generation = 0;

  function resultItem(record, stems) {
    const isMatch = matcher(record, stems, marker);
    const item = document.createElement("li");
    const article = document.createElement("article");
    const kind = document.createElement("p");
    kind.className = "kicker";
    kind.textContent = record.filters.typ?.[0] === "Tipp" ? "Tipp" : "Fall";
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = siteUrl(base, record.meta.url);
    link.textContent = record.meta.title;
    heading.append(link);
    highlight(link, isMatch);
    article.append(kind, heading, excerpt(record, isMatch, marker));
    item.append(article);
    return item;
  }

  async function run(query) {
    const current = ++generation;
    if (!query) {
      results.replaceChildren();
      status.textContent = "";
      return;
    }
    const pagefind = await loadPagefind(bundles);
    // Only results that match by the rule (search-core.js, keepResults).
    const found = await keepResults(pagefind, query, {}, form.dataset.bundleFilter, names);
    const records = await Promise.all(found.slice(0, 30).map(recordOf));
    if (current !== generation) return;
    const stems = queryStems(query);
    results.replaceChildren(...records.map((record) => resultItem(record, stems)));
    const count = found.length;
    status.textContent = count === 0
      ? `Keine Treffer zu „${query}“.`
      : `${count} Treffer zu „${query}“`;
  }

  function searchFor(query) {
    const url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    run(query);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchFor(input.value.trim());
  });
  input.addEventListener("focus", () => loadPagefind(bundles), { once: true });
  input.addEventListener("input", () => searchFor(input.value.trim()));

  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    run(query.trim());
  }
}
