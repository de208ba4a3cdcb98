/* The archive's search page, on Pagefind's JavaScript API.
 *
 * The index holds each page cut into words the way `searchWords` cuts text: every Chinese
 * character a word of its own (analysis/search.py, `indexed_page`, says why). A query is cut
 * the same way, and each of its terms (the parts between spaces, 、，；) is looked up as a phrase, so
 * the pages found are exactly those holding every term, as a reader's Ctrl-F would find them,
 * but for a run of digits or letters, which is one word and found from its start (542 finds
 * 542件, 42 does not).
 * The same words looked up loose rank those pages, the pages with more of them first.
 *
 * The build may split the index into several Pagefind bundles (SEARCH_SHARD_PAGES); each is
 * searched and the answers merged. search.html gives the bundles (site-relative folders) and
 * the site's root in data attributes of #search; both are resolved against the page's own
 * address, so the site works from any folder of any host.
 */
(function () {
  "use strict";

  const PAGE_SIZE = 10; // results shown at a time
  const TYPING_PAUSE_MS = 300; // search once the reader pauses typing
  const EXCERPT_WORDS = 60; // Pagefind counts words, here mostly single Chinese characters
  // A figure's digits, with the points and commas inside it and the Latin letters it begins with
  // (G20); a sign after it is its unit. As in analysis/text.py.
  const FIGURE_RUN = /[A-Za-z]*\d(?:[\d.,]*\d)?/gu;
  const UNIT_SIGNS = "%％‰‱℃°㎡";
  const FIGURE_PIECE = /^[A-Za-z\d.,]$/u; // what a figure's run is made of (FIGURE_RUN)
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
  const pageFiltersFile = root.dataset.pageFilters || ""; // beside each bundle, if the build wrote one
  const OPENING_CHARS = Number(root.dataset.excerptChars); // a page's opening shown as its excerpt, as long as a listing's
  const namePages = JSON.parse(root.dataset.namePages || "{}"); // a place's or topic's name -> [kind, its page, the page's name]
  const also = root.querySelector(".search-also");

  // --- the index's words ------------------------------------------------------------------

  const IDEOGRAPH = "\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\u{20000}-\\u{2FA1F}";
  const WORD = "[\\p{L}\\p{N}\\p{M}_]"; // about what Python's \w matches
  const PUNCT = "[^\\s\\p{L}\\p{N}\\p{M}_]";
  // analysis/search.py SEARCH_WORD: one Chinese character, or a run of other letters and
  // digits, with the punctuation on either side; or punctuation alone.
  const SEARCH_WORD = new RegExp(
    `${PUNCT}*(?:[${IDEOGRAPH}]|(?:(?![${IDEOGRAPH}])${WORD})+)${PUNCT}*|${PUNCT}+`, "gu");
  const SPACE_MARK = "\u2063"; // where the page had a space: the index keeps it in excerpts
  const CLOSING_MARK = /^[\p{Pe}\p{Pf}\p{Po}]$/u; // 。，、！？：；”）: never the first of an excerpt
  const CLAUSE_END = /^[。！？；，、：!?;]$/u; // not "," or ":", which a figure holds (1,200, 10:30)
  const TRAILING_MARK = /^[，、；：,;:\s]$/u; // dropped before an excerpt's closing "…", as theme/filters.py drops them
  const CLAUSE_SNAP = 12; // characters an excerpt may drop to begin where a clause does (as analysis/text.py)

  /** The words of `text` as the index holds them: 重庆“党建+市场” -> 重, 庆“, 党, 建+, 市, 场”. */
  function searchWords(text) {
    return text.match(SEARCH_WORD) || [];
  }

  const PUNCTS = new RegExp(PUNCT, "gu");
  const PUNCT_CHAR = new RegExp(`^${PUNCT}$`, "u");

  /** The query's terms, each as the phrase of its words. Terms are parted by spaces, or as a
   *  Chinese list parts them, by 、，； or by , ; between Chinese characters (电梯、停车 and
   *  电梯,停车 are two terms, as 电梯 停车 is; 1,200 is one).
   *  Pagefind keeps each word of a page without its punctuation and symbols, but takes a
   *  query's word as typed but for some punctuation (党建+市场 would look up 建+), so they go here. */
  function phrases(query) {
    // No lookbehind: a Safari before 16.4 could not parse it, and the whole script failed.
    return query.replace(/(\p{Script=Han})[,;](?=\p{Script=Han})/gu, "$1 ").split(/[\s、，；]+/u)
      .map((term) => searchWords(term).map((word) => word.replace(PUNCTS, "")).filter(Boolean).join(" "))
      .filter(Boolean);
  }

  /** One bundle's answer: the pages holding every phrase, best first, with the counts of each
   *  filter value among them (Pagefind's own when there is one phrase; else counted here). */
  async function answer(bundle, query, filters) {
    const wanted = phrases(query);
    const [filtersOfPage, loose, ...exact] = await Promise.all([
      // Without the list (a site deployed in part, a failed request) the counts come from the pages.
      wanted.length > 1 ? pageFilters(bundle).catch(() => new Map()) : null,
      bundle.pagefind.search(wanted.join(" "), { filters }),
      ...wanted.map((phrase) => bundle.pagefind.search(`"${phrase}"`, { filters })),
    ]);
    const score = new Map(loose.results.map((result) => [result.id, result.score]));
    let results = exact[0].results; // a phrase's results: their excerpts mark the phrase
    for (const other of exact.slice(1)) {
      const ids = new Set(other.results.map((result) => result.id));
      results = results.filter((result) => ids.has(result.id));
    }
    results = results.map((result) => ({ result, score: score.get(result.id) || 0 }));
    const counts = filtersOfPage ? await countFilters(results, filtersOfPage) : exact[0].filters;
    return { results, counts };
  }

  /** Filter values counted over results, for a query of several phrases, whose pages no one
   *  Pagefind search returns: from the bundle's list, or, for a page it lacks, the page's own
   *  entry (one request a page). */
  async function countFilters(results, filtersOfPage) {
    const counts = {};
    const count = (facet, value) => {
      counts[facet] = counts[facet] || {};
      counts[facet][value] = (counts[facet][value] || 0) + 1;
    };
    const unlisted = [];
    for (const { result } of results) {
      const pairs = filtersOfPage.get(result.id);
      if (pairs) pairs.forEach(([facet, value]) => count(facet, value));
      else unlisted.push(result);
    }
    for (const page of await Promise.all(unlisted.map((result) => result.data()))) {
      for (const [facet, values] of Object.entries(page.filters || {})) values.forEach((value) => count(facet, value));
    }
    return counts;
  }

  /** Each page's [facet, value] pairs by result id, from the file the build writes beside
   *  each bundle (analysis/search.py, `page_filters`): one request a bundle, made once. The
   *  file's name does not change with its content, so the browser asks the server whether
   *  its copy is current; Pagefind's own files are named by their content. */
  function pageFilters(bundle) {
    if (!pageFiltersFile) return Promise.resolve(new Map());
    bundle.filtersOfPage = bundle.filtersOfPage || (async () => {
      const response = await fetch(new URL(bundle.folder.replace(/\/?$/, `/${pageFiltersFile}`), siteRoot), { cache: "no-cache" });
      if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
      const { values, pages } = await response.json();
      return new Map(Object.entries(pages).map(([id, indices]) => [id, indices.map((i) => values[i])]));
    })().catch((error) => {
      bundle.filtersOfPage = null; // the next search asks again
      throw error;
    });
    return bundle.filtersOfPage;
  }

  // --- searching ---------------------------------------------------------------------------

  let bundles = []; // {pagefind, folder} per loaded bundle
  const selected = new Map(FACETS.map((facet) => [facet, new Set()])); // checked filter values
  let shownResults = []; // merged results of the current search, best first
  let shownTerms = []; // the terms of their query, each as the characters it is looked up by, in lower case
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
    return { pagefind, folder };
  }

  /** The ticked values as Pagefind filters: a page has one of a group's ticked values (2022 or
   *  2023; an article has one year) and a ticked value of every group. `except` leaves a group
   *  out, to count its values as the reader would find them on ticking one more. */
  function chosenFilters(except) {
    const filters = {};
    for (const [facet, values] of selected) {
      if (values.size && facet !== except) filters[facet] = { any: Array.from(values) };
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
    if (!phrases(query).length) {
      showNothing();
      return;
    }
    resultList.setAttribute("aria-busy", "true");
    try {
      const ticked = FACETS.filter((facet) => selected.get(facet).size);
      const [answers, ...withoutEach] = await Promise.all([null, ...ticked].map((except) =>
        Promise.all(bundles.map((bundle) => answer(bundle, query, chosenFilters(except || undefined))))));
      if (number !== searchNumber) return;
      // Each bundle scores against its own pages, so scores from different bundles are close
      // but not strictly comparable (Pagefind issue #796).
      const results = answers.flatMap((a) => a.results).sort((a, b) => b.score - a.score).map((a) => a.result);
      const counts = sumCounts(answers.map((a) => a.counts));
      // A ticked group's values are counted without that group's own ticks: ticking one more
      // adds the pages it counts (but those already found).
      ticked.forEach((facet, i) => counts.set(facet, sumCounts(withoutEach[i].map((a) => a.counts)).get(facet)));
      await showResults(number, query, results, counts);
    } catch (error) {
      if (number !== searchNumber) return;
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
    also.hidden = true;
  }

  async function showResults(number, query, results, counts) {
    const first = await Promise.all(results.slice(0, PAGE_SIZE).map((result) => result.data()));
    if (number !== searchNumber) return;
    shownResults = results;
    shownTerms = phrases(query).map((phrase) => phrase.replace(/ /g, "").toLowerCase());
    shownCount = first.length;
    resultList.replaceChildren(...first.map(resultItem));
    moreButton.hidden = shownCount >= results.length;
    showFilters(counts);
    const filtering = Array.from(selected.values()).some((values) => values.size);
    const pageName = showNamePage(query);
    if (results.length) {
      announce(`找到 ${results.length} 篇文章`);
    } else if (filtering) {
      announce(`没有同时符合所选条件、含有“${query}”的文章。可以取消一些筛选条件再试。`);
    } else if (pageName) {
      // 南通 is printed nowhere, yet 5 articles are 南通市's: not "nothing found, try another word"
      announce(`没有文章写出“${query}”；归入${pageName}的文章见下面的链接。`);
    } else {
      announce(`没有找到含有“${query}”的文章。可以换一个词语，或按日期、地区、话题、来源浏览。`);
    }
  }

  /** The status line, which a screen reader reads out as it changes. New results of the same
   *  count (a filter ticked, a word added) change nothing to read: the line is emptied and set
   *  again a moment later, so they are announced too. */
  let announcing = 0;
  function announce(text) {
    const turn = ++announcing;
    if (status.textContent !== text) {
      status.textContent = text;
      return;
    }
    status.textContent = "";
    setTimeout(() => { if (turn === announcing) status.textContent = text; }, 150);
  }

  /** A query that is a place's or topic's name points to its page, which lists the articles
   *  filed under it, those that never print the name too (巫山县's 我县). Returns the page's
   *  name, "" when the query names none. */
  function showNamePage(query) {
    const name = query.trim();
    const [kind, url, pageName] = Object.prototype.hasOwnProperty.call(namePages, name) ? namePages[name] : [];
    also.hidden = !url;
    if (!url) return "";
    const link = element("a", "", pageName || name); // 南通 points to 南通市's page
    link.href = new URL(url, siteRoot).href;
    also.replaceChildren("另见", link, `的${kind}页：归入${kind === "地区" ? "该地" : "该话题"}的全部文章，包括没有写出“${name}”的。`);
    return pageName || name;
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
   *  matched words. Only the text and the marks are carried over, the spaces the index put
   *  between words are taken out again, and where the page itself had a space or a block
   *  ended (SPACE_MARK, analysis/search.py) there is one space. */
  function excerptNodes(html, cutAfter) {
    const parsed = document.createElement("template"); // inert: nothing in it loads or runs
    parsed.innerHTML = html;
    const chars = []; // [character, marked]
    for (const node of parsed.content.childNodes) {
      for (const char of node.textContent) chars.push([char, node.nodeName === "MARK"]);
    }
    let unspaced = withoutIndexSpacing(chars);
    if (cutAfter) unspaced = beforeCutFigure(unspaced);
    const marked = unspaced.findIndex(([, isMarked]) => isMarked);
    return markedNodes(fromClauseStart(unspaced, marked < 0 ? unspaced.length : marked));
  }

  /** An excerpt Pagefind cut off inside a figure (…涉及约4.|35万栋: its words part 4. from 35)
   *  without the piece of it, and without the clause's mark the cut then leaves last, as a
   *  listing's: a figure's piece is another number. The excerpt's marked terms stay. */
  function beforeCutFigure(chars) {
    let end = chars.length;
    while (end > 0 && FIGURE_PIECE.test(chars[end - 1][0]) && !chars[end - 1][1]) end--;
    if (!chars.slice(end).some(([char]) => /\d/u.test(char))) return chars; // a word, not a figure (手机APP)
    while (end > 0 && (chars[end - 1][0] === SPACE_MARK || TRAILING_MARK.test(chars[end - 1][0]))) end--;
    return chars.slice(0, end);
  }

  /** An excerpt cut from the middle of its page, begun where a clause does if one begins
   *  within its first few characters and before `limit` (its first term), and never with the
   *  marks that close what came before the cut: "…化。”胡拥军" reads "…胡拥军", "…屋，“从面子"
   *  "…“从面子". */
  function fromClauseStart(chars, limit = chars.length) {
    const end = chars.slice(0, Math.min(CLAUSE_SNAP, limit)).findIndex(([char]) => CLAUSE_END.test(char));
    const first = chars.findIndex(([char], i) => i > end && char !== SPACE_MARK && !CLOSING_MARK.test(char));
    return first < 0 || first > limit ? chars : chars.slice(first);
  }

  /** The page's opening after the kicker, headline and subtitle its result shows above it (and
   *  the byline, which a listing's excerpt has not either), for an excerpt Pagefind took from
   *  the start of the page: that window is mostly the headline. As long as a listing's excerpt,
   *  and, as there, never ending inside a figure; `cut` says whether the page goes on. */
  function openingNodes(content, heading) {
    const { body, visible } = bodyAfterHeading(content, heading);
    const shown = visible.length > OPENING_CHARS ? outsideFigures(visible.map((i) => body[i][0]), 0, OPENING_CHARS)[1] : visible.length;
    const cut = shown < visible.length;
    let text = withoutIndexSpacing(body.slice(0, cut ? visible[shown] : body.length));
    if (cut) { // as a listing's: no clause's mark right before the "…"
      const last = text.findLastIndex(([char]) => char !== SPACE_MARK && !TRAILING_MARK.test(char));
      text = text.slice(0, last + 1);
    }
    return { nodes: markedNodes(text), cut };
  }

  /** For a query of several terms: the stretch of the page's text after its heading that holds
   *  each term the text holds, if one as long as a listing's excerpt does, with `cutBefore`
   *  and `cutAfter`; else null. Pagefind's window is placed on the first term alone (老旧小区
   *  电梯 showed 老旧小区 only); a term only in the heading is marked there. */
  function termsWindow(content, heading) {
    const { body, visible } = bodyAfterHeading(content, heading);
    const chars = visible.map((i) => body[i][0]);
    const letters = chars.flatMap((char, k) => (PUNCT_CHAR.test(char) ? [] : [k])); // as markTerms compares
    const lowered = letters.map((k) => lowerCased(chars[k]));
    const hits = []; // [first character, after the last, term]
    shownTerms.forEach((term, t) => {
      const length = Array.from(term).length;
      for (const at of positionsOf(lowered, term)) hits.push([letters[at], letters[at + length - 1] + 1, t]);
    });
    const terms = new Set(hits.map(([, , t]) => t));
    if (terms.size < 2) return null;
    hits.sort((a, b) => a[0] - b[0]);
    let best = null;
    for (let lo = 0; lo < hits.length; lo++) {
      const seen = new Set();
      let end = 0;
      for (let hi = lo; hi < hits.length && seen.size < terms.size; hi++) {
        seen.add(hits[hi][2]);
        end = Math.max(end, hits[hi][1]);
      }
      if (seen.size === terms.size && (!best || end - hits[lo][0] < best[1] - best[0])) best = [hits[lo][0], end];
    }
    if (!best || best[1] - best[0] > OPENING_CHARS) return null;
    const from = Math.min(Math.max(0, best[0] - Math.floor((OPENING_CHARS - (best[1] - best[0])) / 2)), Math.max(0, chars.length - OPENING_CHARS));
    const [start, end] = outsideFigures(chars, from, Math.min(chars.length, from + OPENING_CHARS));
    const shown = body.slice(visible[start], end < visible.length ? visible[end] : body.length);
    const unspaced = withoutIndexSpacing(shown);
    let seen = 0; // characters shown before the first term's
    const firstTerm = unspaced.findIndex(([char]) => char !== SPACE_MARK && seen++ === best[0] - start);
    return { nodes: markedNodes(start > 0 ? fromClauseStart(unspaced, firstTerm) : unspaced), cutBefore: start > 0, cutAfter: end < chars.length };
  }

  /** `chars.slice(start, end)` widened at its start and narrowed at its end so that neither
   *  cuts a figure from its digits or its unit (下达7亿元 must not read 下达7, nor 2000年 0年);
   *  an end that would leave nothing takes the figure and the character after it. As
   *  `cut_outside_figures` in analysis/text.py. */
  function outsideFigures(chars, start, end) {
    const offsets = [0]; // characters -> UTF-16 units, which the regular expression counts in
    for (const char of chars) offsets.push(offsets[offsets.length - 1] + char.length);
    const text = chars.join("");
    const unitAt = (i) => i < text.length && (/[\p{L}\p{N}]/u.test(text[i]) || UNIT_SIGNS.includes(text[i]));
    const cuts = (from, to, at) => from < at && (at < to || (at === to && unitAt(at)));
    const figures = Array.from(text.matchAll(FIGURE_RUN), (m) => [m.index, m.index + m[0].length]);
    let [first, last] = [offsets[start], offsets[end]];
    for (const [from, to] of figures) if (cuts(from, to, first)) first = from;
    for (const [from, to] of figures) if (from >= first && cuts(from, to, last)) last = from > first ? from : to + unitAt(to);
    return [offsets.indexOf(first), offsets.indexOf(Math.min(last, text.length))];
  }

  /** The spaces the index put between words taken out again: every space of the page's own
   *  is marked (SPACE_MARK), so a plain one is the index's, between two Chinese characters or
   *  inside a figure (59. 28万) alike. */
  function withoutIndexSpacing(chars) {
    return chars.filter(([char]) => !/\s/u.test(char));
  }

  /** Text with every term of the query marked, as nodes (a result's title). */
  function markedText(text) {
    return markedNodes(Array.from(text, (char) => [char, false]));
  }

  /** The page's text after its heading as [character, marked] pairs (`body`), and where in it
   *  each character shown, not a space, is (`visible`). */
  function bodyAfterHeading(content, heading) {
    const body = afterHeading(Array.from(content || "", (char) => [char, false]), heading);
    return { body, visible: body.flatMap(([char], i) => (char === SPACE_MARK || /\s/u.test(char) ? [] : [i])) };
  }

  /** A page's text without the heading it begins with (kicker, headline, subtitle, byline, as
   *  many as it has); as it was if it does not begin with them. */
  function afterHeading(chars, heading) {
    const wanted = Array.from(heading.filter(Boolean).join("").replace(/\s+/gu, ""));
    let k = 0;
    let i = 0;
    for (; i < chars.length && k < wanted.length; i++) {
      const [char] = chars[i];
      if (char === SPACE_MARK || /\s/u.test(char)) continue;
      if (char !== wanted[k]) return chars;
      k++;
    }
    return k === wanted.length ? chars.slice(i) : chars;
  }

  /** [character, marked] pairs -> text and <mark> nodes, each term of the query marked, and one
   *  space where the page had a space or a block ended. */
  function markedNodes(chars) {
    markTerms(chars);
    unmarkEdgePunctuation(chars);
    const nodes = [];
    for (const [found, marked] of chars) {
      const space = found === SPACE_MARK || /\s/u.test(found);
      const last = nodes[nodes.length - 1];
      if (space && (!last || /\s$/u.test(last.text))) continue; // one space, none at the start
      const char = space ? " " : found;
      if (last && last.marked === (marked && !space)) last.text += char;
      else nodes.push({ text: char, marked: marked && !space });
    }
    if (nodes.length && !nodes[nodes.length - 1].marked) nodes[nodes.length - 1].text = nodes[nodes.length - 1].text.trimEnd(); // "。 …"
    return nodes.map(({ text, marked }) => (marked ? element("mark", "", text) : document.createTextNode(text)));
  }

  /** Marks every term of the query in an excerpt's [character, marked] list. Pagefind marks
   *  only the phrase it looked up, the first term, where a query has several: the page holds
   *  the others too, and the reader should see them. Spaces, marks and punctuation between
   *  words do not part a term, nor does case, as in the index. */
  function markTerms(chars) {
    const letters = chars.map(([char], i) => [char, i]).filter(([char]) => !/\s/u.test(char) && !PUNCT_CHAR.test(char));
    const lowered = letters.map(([char]) => lowerCased(char));
    for (const term of shownTerms) {
      const length = Array.from(term).length;
      for (const at of positionsOf(lowered, term)) {
        // from its first letter to its last, with what lies between them (党建+市场)
        for (let i = letters[at][1]; i <= letters[at + length - 1][1]; i++) chars[i][1] = true;
      }
    }
  }

  /** A character as the index compares it: in lower case where that is one character. */
  function lowerCased(char) {
    return char.toLowerCase().length === char.length ? char.toLowerCase() : char;
  }

  /** Where `term` begins in `letters` (characters, so 𠀀 is one as everywhere else), each time. */
  function positionsOf(letters, term) {
    const wanted = Array.from(term);
    const found = [];
    for (let at = 0; wanted.length && at + wanted.length <= letters.length; at++) {
      if (wanted.every((char, k) => letters[at + k] === char)) found.push(at);
    }
    return found;
  }

  /** Pagefind marks whole words of its index, with the punctuation they carry (梯，): a mark
   *  keeps punctuation only between two marked characters (党建+市场). */
  function unmarkEdgePunctuation(chars) {
    const marked = chars.map(([, isMarked]) => isMarked);
    const nearest = (i, step) => {
      for (let j = i + step; j >= 0 && j < chars.length; j += step) {
        if (!PUNCT_CHAR.test(chars[j][0]) && !/\s/u.test(chars[j][0])) return marked[j];
      }
      return false;
    };
    chars.forEach((pair, i) => {
      if (pair[1] && PUNCT_CHAR.test(pair[0])) pair[1] = nearest(i, -1) && nearest(i, 1);
    });
  }

  /** Whether Pagefind's excerpt, a run of the page's words, leaves out words before it and
   *  after it: a cut the reader is told of with "…", as listings do. Pagefind cuts the excerpt
   *  from `raw_content` into `plain_excerpt`; compared without the spaces between words. */
  function excerptCuts(page) {
    const squeezed = (text) => (text || "").replace(/[\s\u200B]+/gu, "");
    const all = squeezed(page.raw_content);
    const shown = squeezed(page.plain_excerpt);
    return { cutBefore: !all.startsWith(shown), cutAfter: !all.endsWith(shown) };
  }

  /** "#id" of the element the page's first match lies in: the last element with an id (a
   *  sentence's span, analysis/text.py's sentence_anchor) that begins at or before it, which
   *  the article highlights; "" for a match before any (in the headline). A result opened at
   *  the article's top, its words a few screens down. */
  function landingFragment(page) {
    if (!(page.locations || []).length) return ""; // no match to land on: the article's top
    const first = Math.min(...page.locations);
    const landing = (page.anchors || []).reduce((best, anchor) =>
      anchor.location <= first && (!best || anchor.location >= best.location) ? anchor : best, null);
    return landing ? `#${landing.id}` : "";
  }

  /** A result as a listing shows an article: kicker, headline, subtitle, then the excerpt, in
   *  which and in the headline each term of the query is marked. */
  function resultItem(page) {
    const meta = page.meta || {};
    const item = element("li", "entry search-result");
    if (meta.kicker) item.append(element("p", "entry__kicker", meta.kicker));
    const title = element("h2", "entry__title search-result__title");
    const link = element("a", "search-result__link");
    link.append(...markedText(meta.title || page.url));
    link.href = page.url + landingFragment(page);
    link.addEventListener("click", () => rememberOpened(link.href));
    title.append(link);
    item.append(title);
    if (meta.subtitle) item.append(element("p", "entry__subtitle", meta.subtitle));
    const excerpt = element("p", "entry__excerpt search-result__excerpt");
    const { cutBefore, cutAfter } = excerptCuts(page);
    const heading = [meta.kicker, meta.title, meta.subtitle, meta.byline]; // as the page begins
    const stretch = shownTerms.length > 1 ? termsWindow(page.content, heading) : null; // plain text, as indexed
    if (stretch) {
      const inside = stretch.cutBefore || meta.opening === "elsewhere";
      excerpt.append(...(inside ? ["…"] : []), ...stretch.nodes, ...(stretch.cutAfter ? ["…"] : []));
    } else if (cutBefore) {
      excerpt.append("…", ...excerptNodes(page.excerpt || "", cutAfter), ...(cutAfter ? ["…"] : []));
    } else {
      const opening = openingNodes(page.content, heading);
      excerpt.append(...(meta.opening === "elsewhere" ? ["…"] : []), ...opening.nodes, ...(opening.cut ? ["…"] : []));
    }
    item.append(excerpt);
    // A facet's values as the page lists them where it gives them (its 地区 filter holds the
    // places above them too, which its page does not name), else as filed.
    const values = (facet) => (page.meta && page.meta[facet] ? page.meta[facet].split("、") : (page.filters || {})[facet] || []);
    const facets = RESULT_FACETS.filter((facet) => values(facet).length);
    if (facets.length) {
      const list = element("dl", "search-result__facets");
      for (const facet of facets) {
        const pair = element("div");
        // A ticked place the page is filed under but does not name (渝中区, for an article on
        // 中山二路社区 in it) is said, or the result would seem not to be about it; as a clause
        // of its own: after the list, 重庆市（位于渝中区） read as if 重庆市 were in it.
        const within = facet !== "地区" ? [] : [...selected.get(facet)].filter((value) =>
          ((page.filters || {})[facet] || []).includes(value) && !values(facet).includes(value));
        const note = within.length ? `；文中有${within.join("、")}内的地方` : "";
        pair.append(element("dt", "", facet), element("dd", "", values(facet).join("、") + note));
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
      rememberSearch();
      search(input.value.trim());
    });
    group.dataset.facet = facet;
    filterPanel.insertBefore(group, clearFiltersButton);
    return [facet, { group, summary, fieldset }];
  }));

  // A group of many values shows its most frequent few and a button for the rest: 地区's 27
  // checkboxes put the first result two screens down on a phone.
  const FACET_SHOWN = 8;
  const expandedFacets = new Set();

  function moreValuesButton(facet, fieldset, hiddenCount) {
    const button = element("button", "search-facet__more", `显示其余 ${hiddenCount} 个${facet}`); // which group's, read alone
    button.type = "button";
    button.addEventListener("click", () => {
      expandedFacets.add(facet);
      for (const label of fieldset.querySelectorAll(".search-facet__value")) label.hidden = false;
      const first = fieldset.querySelector(".search-facet__value[data-folded] input");
      button.remove();
      if (first) first.focus(); // reading goes on at the first value shown
    });
    return button;
  }

  function valueOrder(facet) {
    if (facet === "年份") return (a, b) => b[0].localeCompare(a[0]); // newest first
    return (a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh-CN");
  }

  /** Checkboxes for the values some result has, and for those already checked, each with
   *  the number of results that have it under the other groups' ticks (Pagefind's counts, or
   *  for a query of several terms `countFilters`'s, summed over bundles). */
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
        const counted = element("span", "count", String(count));
        counted.append(element("span", "visually-hidden", " 篇")); // "重庆市 3" read as a name and a number
        // a year as one reads it (2023年), not a number a screen reader says as 两千零二十三
        label.append(box, element("span", "", facet === "年份" ? `${value}年` : value), counted);
        return label;
      }));
      // Folded past the first few; a ticked value, and the one just unticked (it keeps the
      // focus), always shown; a fold of one value is none.
      const keep = (box) => box.checked || (refocus && refocus.facet === facet && refocus.value === box.value);
      let folded = expandedFacets.has(facet) ? []
        : Array.from(fieldset.querySelectorAll(".search-facet__value")).slice(FACET_SHOWN).filter((label) => !keep(label.querySelector("input")));
      if (folded.length === 1) folded = [];
      for (const label of folded) {
        label.hidden = true;
        label.dataset.folded = "";
      }
      if (folded.length) fieldset.append(moreValuesButton(facet, fieldset, folded.length));
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

  /** The address holds the query and the ticked filters (?q=电梯&地区=重庆市&年份=2023), so a
   *  search can be shared, bookmarked and found again after "back". Filters without a query
   *  narrow nothing, so an empty box leaves them out: the address would open an empty page. */
  function rememberSearch() {
    const url = new URL(window.location.href);
    const query = input.value.trim();
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    for (const [facet, values] of selected) {
      url.searchParams.delete(facet);
      if (query) for (const value of values) url.searchParams.append(facet, value);
    }
    window.history.replaceState(null, "", url);
  }

  /** The filters of a shared search, ticked, and their groups open so that they show. Only
   *  with its query, as rememberSearch writes them: filters alone would narrow, unseen, the
   *  first search typed. */
  function rememberedFilters(params) {
    if (!(params.get("q") || "").trim()) return;
    for (const [facet, values] of selected) {
      for (const value of params.getAll(facet)) if (value) values.add(value);
      facetGroups.get(facet).group.open = values.size > 0;
    }
  }

  /** The result opened and how many results were shown, kept with this page's entry in the
   *  history: "back" showed the first ten again, the reader's place and the focus lost. */
  function rememberOpened(href) {
    window.history.replaceState({ shown: shownCount, opened: href }, "", window.location.href);
  }

  /** Back from a result: as many results as were shown, the focus on the one opened. */
  async function returnTo(place) {
    while (shownCount < place.shown && shownCount < shownResults.length) {
      const before = shownCount;
      await showMore();
      if (shownCount === before) break;
    }
    const opened = Array.from(resultList.querySelectorAll(".search-result__link")).find((link) => link.href === place.opened);
    if (opened) {
      opened.focus();
      opened.scrollIntoView({ block: "center" });
    }
  }

  let typingTimer = 0;

  function searchNow() {
    window.clearTimeout(typingTimer);
    rememberSearch();
    search(input.value.trim());
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
      rememberSearch();
      search(input.value.trim());
      input.focus();
    });
    // Keyword links on article pages arrive as search.html?q=词语; a shared search brings its filters.
    const params = new URLSearchParams(window.location.search);
    rememberedFilters(params);
    const query = params.get("q");
    if (query) {
      input.value = query;
      const place = window.history.state;
      await search(query.trim());
      if (place && place.opened) await returnTo(place);
    }
  }

  start();
})();
