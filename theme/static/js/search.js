/* The archive's search page, on Pagefind's JavaScript API.
 *
 * The build may split the search index into several Pagefind bundles (SEARCH_SHARD_PAGES).
 * Each bundle answers a query on its own, and a bundle that lacks one of the query's words
 * answers with looser matches (Pagefind leaves such a word out, or looks up a shorter word
 * instead). So every bundle is searched separately, the bundles that lack a word some other
 * bundle holds are left out (see `bundlesToKeep`), and the rest are merged by score.
 *
 * search.html gives the bundles (site-relative folders) and the site's root in data attributes
 * of #search; both are resolved against the page's own address, so the site works from any
 * folder of any host.
 */
(function () {
  "use strict";

  const PAGE_SIZE = 10; // results shown at a time
  const TYPING_PAUSE_MS = 300; // search once the reader pauses typing
  const EXCERPT_WORDS = 40; // Pagefind counts words; Chinese words are one to three characters
  const FACETS = ["地区", "话题", "来源", "年份"]; // data-pagefind-filter names on article pages, in the order offered
  const RESULT_FACETS = ["来源", "年份", "地区", "话题"]; // the order shown under each result

  const root = document.getElementById("search");
  if (!root) return;
  const form = root.querySelector(".search-form");
  const input = root.querySelector(".search-form__input");
  const status = root.querySelector(".search-status");
  const filterPanel = root.querySelector(".search-filters");
  const clearFiltersButton = root.querySelector(".search-filters__clear");
  const resultList = root.querySelector(".search-results");
  const moreButton = root.querySelector(".search-more");

  const siteRoot = new URL(root.dataset.root || "./", document.baseURI);
  const bundleFolders = JSON.parse(root.dataset.bundles || "[]");

  // --- Pagefind's words -------------------------------------------------------------------

  // Pagefind removes these punctuation classes from queries and indexed words, and it matches
  // regardless of case and diacritics; `normalise` does the same to both sides of a comparison.
  const PUNCTUATION = /[\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}]/gu;

  function normalise(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").replace(PUNCTUATION, "").trim().toLocaleLowerCase();
  }

  const wordSegmenter = typeof Intl.Segmenter === "function"
    ? new Intl.Segmenter(document.documentElement.lang || "zh-CN", { granularity: "word" })
    : null;

  /** The words Pagefind looks up for `query`: for a Chinese page it cuts the query with the
   *  browser's word segmenter (加装电梯 becomes 加, 装, 电梯), without one at spaces. */
  function queryWords(query) {
    const pieces = wordSegmenter
      ? Array.from(wordSegmenter.segment(query), (piece) => piece.segment)
      : query.split(/\s+/);
    return Array.from(new Set(pieces.map(normalise).filter(Boolean)));
  }

  /** The words of a page that a search matched. `locations` are positions in Pagefind's list
   *  of the page's words: its content cut at the zero-width spaces Pagefind puts between
   *  Chinese words, or else at whitespace (as Pagefind cuts it for excerpts). */
  function matchedWords(page) {
    const text = page.raw_content;
    const words = text.includes("\u200B") ? text.split("\u200B") : text.split(/\s+/);
    return page.locations.map((location) => normalise(words[location] || ""));
  }

  /** The query words a result shows its bundle holds, i.e. has an indexed word beginning with.
   *  Pagefind looks a held word up by the indexed words that begin with it (电梯 finds 电梯 and
   *  电梯井), so every result of the bundle has matched one of them; for a word the bundle does
   *  not hold, no result has. The index is built with --force-language zh-cn, which has no
   *  stemmer, so the matched words are the page's own words. */
  function wordsHeld(page, words) {
    const matched = matchedWords(page);
    return new Set(words.filter((word) => matched.some((found) => found.startsWith(word))));
  }

  async function holds(bundle, word) {
    const response = await bundle.pagefind.search(word);
    return response.results.length > 0 && wordsHeld(await response.results[0].data(), [word]).size > 0;
  }

  /** The bundles whose answers to `query` to show, with their answers.
   *
   *  One index over all articles would return the pages that hold every query word it holds
   *  (a word it does not hold, Pagefind leaves out or replaces by the longest indexed word the
   *  query word begins with). A bundle that lacks a word another bundle holds has no such page:
   *  what it returns matched the other words only, so it is left out. A bundle that holds every
   *  word held anywhere returns exactly its share of the one index's results. So the merged
   *  results are one index's whenever each query word is held by some bundle, and with a single
   *  bundle they are Pagefind's own. When no bundle holds a word, each falls back on its own
   *  words, and the results can differ a little from one index's. */
  async function bundlesToKeep(query) {
    const answers = await Promise.all(bundles.map(async (bundle) => ({ bundle, response: await bundle.pagefind.search(query) })));
    const answering = answers.filter((answer) => answer.response.results.length > 0);
    if (answers.length === 1 || answering.length === 0) return answering;
    const words = queryWords(query);
    // A bundle's best result tells which words the bundle holds.
    const held = await Promise.all(answering.map(async (answer) => wordsHeld(await answer.response.results[0].data(), words)));
    const heldSomewhere = new Set(held.flatMap((set) => Array.from(set)));
    // A bundle that found nothing may still hold a word no answering bundle holds (it has the
    // word, but no page with the others too); ask it about that word alone.
    const silent = answers.filter((answer) => answer.response.results.length === 0);
    for (const word of words.filter((word) => !heldSomewhere.has(word))) {
      for (const answer of silent) {
        if (await holds(answer.bundle, word)) {
          heldSomewhere.add(word);
          break;
        }
      }
    }
    return answering.filter((answer, i) => Array.from(heldSomewhere).every((word) => held[i].has(word)));
  }

  // --- searching ---------------------------------------------------------------------------

  let bundles = []; // {pagefind} per loaded bundle
  let lastVerdict = null; // {query, answers}: bundlesToKeep for the query shown, reused when filters change
  const selected = new Map(FACETS.map((facet) => [facet, new Set()])); // checked filter values
  let shownResults = []; // merged results of the current search, best first
  let shownCount = 0;
  let searchNumber = 0; // a newer search makes an older one's late answers stale

  async function loadBundle(folder) {
    // A module is instantiated once per URL, so importing each bundle's own pagefind.js gives
    // each bundle its own Pagefind instance.
    const pagefind = await import(new URL(folder.replace(/\/?$/, "/pagefind.js"), siteRoot).href);
    // Result URLs are stored from the site's root (/articles/…); baseUrl puts them under the
    // folder the site is served from.
    await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: EXCERPT_WORDS });
    // Loading the filter index once makes every search report counts for every facet.
    await pagefind.filters();
    return { pagefind };
  }

  function chosenFilters() {
    const filters = {};
    for (const [facet, values] of selected) {
      if (values.size) filters[facet] = Array.from(values); // a list: the page must have all of them
    }
    return filters;
  }

  function sumCounts(countsPerBundle) {
    const total = new Map(FACETS.map((facet) => [facet, new Map()]));
    for (const counts of countsPerBundle) {
      for (const facet of FACETS) {
        for (const [value, count] of Object.entries((counts || {})[facet] || {})) {
          total.get(facet).set(value, (total.get(facet).get(value) || 0) + count);
        }
      }
    }
    return total;
  }

  async function search(query) {
    const number = ++searchNumber;
    if (!query) {
      lastVerdict = null;
      showNothing();
      return;
    }
    resultList.setAttribute("aria-busy", "true");
    try {
      if (!lastVerdict || lastVerdict.query !== query) {
        lastVerdict = { query, answers: bundlesToKeep(query) };
      }
      const answers = await lastVerdict.answers;
      const filters = chosenFilters();
      const responses = Object.keys(filters).length
        ? await Promise.all(answers.map((answer) => answer.bundle.pagefind.search(query, { filters })))
        : answers.map((answer) => answer.response);
      if (number !== searchNumber) return;
      // Each bundle scores against its own pages, so scores from different bundles are close
      // but not strictly comparable (Pagefind issue #796); the order can differ from one index's.
      const results = responses.flatMap((response) => response.results).sort((a, b) => b.score - a.score);
      await showResults(number, query, results, sumCounts(responses.map((response) => response.filters)));
    } catch (error) {
      if (number !== searchNumber) return;
      lastVerdict = null;
      showNothing();
      status.textContent = "搜索出错，请稍后再试。";
      throw error;
    } finally {
      if (number === searchNumber) resultList.setAttribute("aria-busy", "false");
    }
  }

  // --- showing results -------------------------------------------------------------------------

  function showNothing() {
    shownResults = [];
    shownCount = 0;
    resultList.replaceChildren();
    moreButton.hidden = true;
    filterPanel.hidden = true;
    status.textContent = "";
  }

  async function showResults(number, query, results, counts) {
    const first = await Promise.all(results.slice(0, PAGE_SIZE).map((result) => result.data()));
    if (number !== searchNumber) return;
    shownResults = results;
    shownCount = first.length;
    resultList.replaceChildren(...first.map(resultItem));
    moreButton.hidden = shownCount >= results.length;
    showFilters(counts);
    const filtering = Array.from(selected.values()).some((values) => values.size);
    if (results.length) {
      status.textContent = `找到 ${results.length} 篇文章`;
    } else {
      status.textContent = filtering
        ? `没有同时符合所选条件、含有“${query}”的文章。可以取消一些筛选条件再试。`
        : `没有找到含有“${query}”的文章。可以换一个词语，或按日期、地区、话题、来源浏览。`;
    }
  }

  async function showMore() {
    const number = searchNumber;
    moreButton.disabled = true; // one page at a time, however often it is clicked
    resultList.setAttribute("aria-busy", "true");
    const next = await Promise.all(shownResults.slice(shownCount, shownCount + PAGE_SIZE).map((result) => result.data()));
    moreButton.disabled = false;
    if (number !== searchNumber) return; // a newer search has replaced the list
    const items = next.map(resultItem);
    resultList.append(...items);
    shownCount += items.length;
    moreButton.hidden = shownCount >= shownResults.length;
    resultList.setAttribute("aria-busy", "false");
    // The button may be gone now; reading goes on at the first new result.
    if (items.length) items[0].querySelector("a").focus();
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text; // always text: titles may hold "<script>" or Markdown
    return node;
  }

  /** Pagefind's excerpt is HTML: the page's text with < and > escaped, and <mark> around the
   *  matched words. Only the text and the marks are carried over. */
  function excerptNodes(html) {
    const parsed = document.createElement("template"); // inert: nothing in it loads or runs
    parsed.innerHTML = html;
    return Array.from(parsed.content.childNodes, (node) =>
      node.nodeName === "MARK" ? element("mark", "", node.textContent) : document.createTextNode(node.textContent));
  }

  function resultItem(page) {
    const item = element("li", "entry search-result");
    const heading = element("h2", "entry__title search-result__title");
    const link = element("a", "search-result__link", (page.meta && page.meta.title) || page.url);
    link.href = page.url;
    heading.append(link);
    item.append(heading);
    const excerpt = element("p", "entry__excerpt search-result__excerpt");
    excerpt.append(...excerptNodes(page.excerpt || ""));
    item.append(excerpt);
    const facets = RESULT_FACETS.filter((facet) => page.filters && page.filters[facet] && page.filters[facet].length);
    if (facets.length) {
      const list = element("dl", "search-result__facets");
      for (const facet of facets) {
        const pair = element("div");
        pair.append(element("dt", "", facet), element("dd", "", page.filters[facet].join("、")));
        list.append(pair);
      }
      item.append(list);
    }
    return item;
  }

  // --- filters -----------------------------------------------------------------------------

  // One <details> per facet, made once so that open groups stay open between searches.
  const facetGroups = new Map(FACETS.map((facet) => {
    const group = element("details", "search-facet");
    const summary = element("summary", "search-facet__summary");
    const fieldset = element("fieldset", "search-facet__values");
    const legend = element("legend", "visually-hidden", facet);
    fieldset.append(legend);
    group.append(summary, fieldset);
    fieldset.addEventListener("change", (event) => {
      const box = event.target;
      if (box.checked) selected.get(facet).add(box.value);
      else selected.get(facet).delete(box.value);
      search(input.value.trim());
    });
    group.dataset.facet = facet;
    filterPanel.insertBefore(group, clearFiltersButton);
    return [facet, { group, summary, fieldset }];
  }));

  function valueOrder(facet) {
    if (facet === "年份") return (a, b) => b[0].localeCompare(a[0]); // newest first
    return (a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh-CN");
  }

  /** Checkboxes for the values that would leave some result, and for those already checked,
   *  each with the number of results it would leave (Pagefind's counts, summed over bundles). */
  function showFilters(counts) {
    const focused = document.activeElement;
    const refocus = focused && focused.type === "checkbox" && root.contains(focused)
      ? { facet: focused.name, value: focused.value } : null;
    let anyValue = false;
    for (const facet of FACETS) {
      const { group, summary, fieldset } = facetGroups.get(facet);
      const chosen = selected.get(facet);
      const values = Array.from(counts.get(facet))
        .filter(([value, count]) => count > 0 || chosen.has(value))
        .concat(Array.from(chosen).filter((value) => !counts.get(facet).has(value)).map((value) => [value, 0]))
        .sort(valueOrder(facet));
      fieldset.replaceChildren(fieldset.querySelector("legend"), ...values.map(([value, count]) => {
        const label = element("label", "search-facet__value");
        const box = element("input");
        box.type = "checkbox";
        box.name = facet;
        box.value = value;
        box.checked = chosen.has(value);
        label.append(box, element("span", "", value), element("span", "count", String(count)));
        return label;
      }));
      summary.textContent = chosen.size ? `${facet}（已选 ${chosen.size}）` : facet;
      group.hidden = values.length === 0;
      anyValue = anyValue || values.length > 0;
    }
    const filtering = Array.from(selected.values()).some((values) => values.size);
    clearFiltersButton.hidden = !filtering;
    filterPanel.hidden = !anyValue && !filtering;
    if (refocus) {
      const box = Array.from(filterPanel.querySelectorAll("input[type=checkbox]"))
        .find((candidate) => candidate.name === refocus.facet && candidate.value === refocus.value);
      if (box) box.focus();
    }
  }

  // --- wiring ----------------------------------------------------------------------------------

  function rememberQuery(query) {
    // The address shows the query, so it can be shared and comes back after "back".
    const url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  let typingTimer = 0;

  function searchNow() {
    window.clearTimeout(typingTimer);
    const query = input.value.trim();
    rememberQuery(query);
    search(query);
  }

  async function start() {
    const loaded = await Promise.allSettled(bundleFolders.map(loadBundle));
    bundles = loaded.filter((outcome) => outcome.status === "fulfilled").map((outcome) => outcome.value);
    if (!bundles.length) {
      // A page opened from disk may not fetch the index: browsers refuse file:// requests.
      const note = element("p", "note", window.location.protocol === "file:"
        ? "直接打开的本地文件无法载入搜索索引。请在项目目录运行 make serve，再打开 http://localhost:8000/search.html；也可以按日期、地区、话题或来源浏览文章。"
        : "搜索索引未能载入。请按日期、地区、话题或来源浏览文章。");
      root.replaceChildren(note);
      return;
    }
    form.hidden = false;
    input.addEventListener("input", () => {
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(searchNow, TYPING_PAUSE_MS);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      searchNow();
    });
    moreButton.addEventListener("click", showMore);
    clearFiltersButton.addEventListener("click", () => {
      for (const values of selected.values()) values.clear();
      search(input.value.trim());
      input.focus();
    });
    // Keyword links on article pages arrive as search.html?q=词语
    const query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      input.value = query;
      search(query.trim());
    }
  }

  start();
})();
