"""The built site in a real browser: Debian's Chromium driven by Playwright, at phone and desktop widths."""
from __future__ import annotations

import csv
import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

import pytest

from analysis.build import Progress, build
from analysis.places import load_gazetteer, places_above
from analysis.search import search_shards
from tests.corpus import ROOT, SEEDS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags keep Chromium off the network: this machine reaches nothing but package registries.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDTHS = [375, 1280]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed; `make test` installs Debian's chromium")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    out = tmp / "out"
    build(SEEDS, out, tmp / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", out
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def platform_fonts(page, selector):
    """The fonts Chromium actually used to draw an element's text (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


def article_path(out, title_start):
    """The article page whose headline begins with `title_start`."""
    for path in sorted((out / "articles").glob("*.html")):
        heading = re.search(r"<h1\b[^>]*>(.*?)</h1>", path.read_text(encoding="utf-8"), re.S)
        if heading and re.sub(r"<[^>]+>", "", heading.group(1)).startswith(title_start):
            return path.relative_to(out).as_posix()
    raise AssertionError(title_start)


def reader_pages(out):
    return {
        "home": "index.html",
        "article": article_path(out, "倾听居民想法"),
        "topic": "topics/lao-jiu-xiao-qu-gai-zao.html",
        "archive": "archives.html",
        "year": "archives/2022.html",
        "place": "places/wu-shan-xian.html",
        "report": "report.html",
        "search": "search.html?q=老旧小区",  # with results and every filter group open
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_have_no_errors_and_render_chinese(browser, site_url, width):
    base, out = site_url
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for name, path in reader_pages(out).items():
        page.goto(f"{base}/{path}")
        page.wait_for_load_state("networkidle")
        if name == "search":
            wait_for_search(page)
            assert page.locator(".search-result").count() > 0
            page.eval_on_selector_all(".search details", "groups => groups.forEach(g => { g.open = true; })")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
        heading = page.inner_text("h1")
        assert any("\u4e00" <= c <= "\u9fff" for c in heading), name
        fonts = platform_fonts(page, "h1")
        # The glyphs were drawn from a real CJK font, not as missing-glyph boxes.
        assert any("CJK" in f["familyName"] and f["glyphCount"] > 0 for f in fonts), (name, fonts)
        # Charts are lazy-loaded for readers; load them all now to check each one draws.
        charts = page.evaluate(
            "[...document.querySelectorAll('figure.chart img')].map(i => { i.loading = 'eager'; return i.src; })"
        )
        if name == "report":  # a place page links to the report's charts
            assert charts, name
        page.wait_for_function("[...document.querySelectorAll('figure.chart img')].every(i => i.complete && i.naturalWidth > 0)")
        # Shown at most at the size they were drawn, whose text is the body's size: never stretched.
        for box, drawn in page.evaluate("[...document.querySelectorAll('figure.chart img')].map(i => [i.getBoundingClientRect().width, i.naturalWidth])"):
            assert 0 < box <= min(width, drawn + 0.5), (name, width, box, drawn)
        page.screenshot(path=str(out.parent / f"{name}-{width}.png"), full_page=True)
    assert errors == []
    page.close()


# Offsets in an element's text where a rendered line begins, and where each of its pieces
# (the text between <wbr>s) begins: one Range per character, a new line where its top moves down.
LINES_AND_PIECES = """element => {
    const starts = [], pieces = [];
    let offset = 0, lastTop = null;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        pieces.push(offset);
        for (let i = 0; i < node.length; i++, offset++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const top = range.getClientRects()[0]?.top;
            if (top === undefined) continue;
            if (lastTop !== null && top > lastTop + 2) starts.push(offset);
            lastTop = top;
        }
    }
    return {starts, pieces};
}"""


def test_on_a_phone_a_headline_wraps_only_between_its_words(browser, site_url):
    """变成 must not end one line and begin the next. Chinese wraps between any two characters
    by default, so the control (the same headlines without the theme's class) does split words."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    wrapped = split_without = 0
    for path in sorted(p.relative_to(out).as_posix() for p in (out / "articles").glob("*.html")):
        page.goto(f"{base}/{path}")
        if page.locator("h1.wordwise").count() == 0:
            continue
        found = page.eval_on_selector("h1", LINES_AND_PIECES)
        assert set(found["starts"]) <= set(found["pieces"]), (path, page.inner_text("h1"), found)
        wrapped += bool(found["starts"])
        page.eval_on_selector("h1", "h => h.classList.remove('wordwise')")
        control = page.eval_on_selector("h1", LINES_AND_PIECES)
        split_without += not set(control["starts"]) <= set(control["pieces"])
    assert wrapped >= 5 and split_without >= 1, (wrapped, split_without)
    page.close()


def test_on_a_phone_the_links_of_an_articles_details_and_the_footer_are_targets_a_finger_hits(browser, site_url):
    """Rows of short links (an article's places, topics, keywords; a listing's; the footer) were 20-21 px
    tall; padding makes each 24 px or more and moves no line. The control, without it, is not."""
    base, out = site_url
    phone = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/{article_path(out, '巫山：老旧小区')}")
    heights = "es => es.map(e => e.getBoundingClientRect().height)"
    links = ".article__meta a, .site-footer a"
    tops = page.eval_on_selector_all(".article__meta dd", "es => es.map(e => e.getBoundingClientRect().top)")
    assert len(page.eval_on_selector_all(links, heights)) > 10 and min(page.eval_on_selector_all(links, heights)) >= 24
    page.add_style_tag(content=".article__meta a, .site-footer a { padding: 0 !important; }")
    assert min(page.eval_on_selector_all(links, heights)) < 24
    assert page.eval_on_selector_all(".article__meta dd", "es => es.map(e => e.getBoundingClientRect().top)") == tops  # no line moved
    # and a listing's places and topics on the home page
    page.goto(f"{base}/index.html")
    tops = page.eval_on_selector_all(".entry__meta", "es => es.map(e => e.getBoundingClientRect().top)")
    assert len(page.eval_on_selector_all(".entry__meta a", heights)) > 20 and min(page.eval_on_selector_all(".entry__meta a", heights)) >= 24
    page.add_style_tag(content=".entry__meta a { padding: 0 !important; }")
    assert min(page.eval_on_selector_all(".entry__meta a", heights)) < 24
    assert page.eval_on_selector_all(".entry__meta", "es => es.map(e => e.getBoundingClientRect().top)") == tops
    phone.close()


# Chinese characters of an article's paragraphs set wider than their font's em: the spacing
# justification adds to a line's characters.
SPREAD_CHARACTERS = """() => {
  let spread = 0;
  for (const p of document.querySelectorAll(".article__body p")) {
    const em = parseFloat(getComputedStyle(p).fontSize);
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (let i = 0; i < node.length; i++) {
        if (!/[\u4e00-\u9fff]/.test(node.data[i])) continue;
        const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
        if (range.getBoundingClientRect().width > 1.1 * em) spread++;
      }
    }
  }
  return spread;
}"""


def test_on_a_phone_an_articles_lines_are_not_spread_to_the_edge(browser, site_url):
    """Justified on a phone's short lines, a line that could not break before a quotation mark
    spread its characters apart; the lines end ragged instead. The control, justified, spreads."""
    base, out = site_url
    phone = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/{article_path(out, '确保群众度过平安欢乐节日')}")
    assert page.evaluate(SPREAD_CHARACTERS) == 0
    page.add_style_tag(content=".article__body p { text-align: justify !important; }")
    assert page.evaluate(SPREAD_CHARACTERS) > 0
    phone.close()


def test_on_a_phone_a_title_in_a_list_wraps_only_between_its_words(browser, site_url):
    """The archive, a place's list of articles and an article's newer/older links split names
    (总经理陈|涛, 主任委|员); the control, without the theme's class, splits some word."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    article = next(p.relative_to(out).as_posix() for p in sorted((out / "articles").glob("*.html"))
                   if 'class="article-nav' in p.read_text(encoding="utf-8"))
    wrapped = split_without = 0
    for path in ["archives.html", "places/chong-qing-shi.html", article]:
        page.goto(f"{base}/{path}")
        titles = page.eval_on_selector_all("main a.wordwise", f"es => es.map({LINES_AND_PIECES})")
        assert titles, path
        for found in titles:
            assert set(found["starts"]) <= set(found["pieces"]), (path, found)
            wrapped += bool(found["starts"])
        page.eval_on_selector_all("main a.wordwise", "es => es.forEach(e => { e.dataset.was = 1; e.classList.remove('wordwise'); })")
        control = page.eval_on_selector_all("main a[data-was]", f"es => es.map({LINES_AND_PIECES})")
        split_without += sum(not set(c["starts"]) <= set(c["pieces"]) for c in control)
    assert wrapped >= 3 and split_without >= 1, (wrapped, split_without)
    page.close()


# Each element's text and how many lines its boxes (a dot put before it by CSS included) take.
LINES_TAKEN = """elements => elements.map(e => [e.textContent.trim(), new Set(Array.from(e.getClientRects(), r => Math.round(r.top))).size])"""
# Of each name in a listing's line: the lines the name itself takes, and those with its dot.
NAME_AND_DOT_LINES = """spans => spans.map(span => {
    const lines = e => new Set(Array.from(e.getClientRects(), r => Math.round(r.top))).size;
    return [span.textContent.trim(), lines(span.firstElementChild || span), lines(span)];
})"""


def test_on_a_phone_the_names_in_an_entry_line_are_never_split(browser, site_url):
    """文化 must not end one line and begin the next in a listing's line of source, date, places
    and topics, nor the dot after a name begin a line. The controls (the same pages without
    each rule) show that both happen."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    checked, names_split, dots_split = 0, 0, 0
    for path in ["index.html", *sorted(p.relative_to(out).as_posix() for p in (out / "sources").glob("*.html"))]:
        page.goto(f"{base}/{path}")
        spans = page.eval_on_selector_all(".entry__meta span", NAME_AND_DOT_LINES)
        assert all(own == 1 and with_dot == 1 for _, own, with_dot in spans), (path, [s for s in spans if s[2] > 1])
        checked += len(spans)
        page.add_style_tag(content=".entry__meta span { word-break: normal; overflow-wrap: normal; }")
        names_split += sum(own > 1 for _, own, _ in page.eval_on_selector_all(".entry__meta span", NAME_AND_DOT_LINES))
        page.goto(f"{base}/{path}")
        page.add_style_tag(content=".entry__meta span:not(:last-child)::after { content: '·'; }")
        dots_split += sum(own == 1 < with_dot for _, own, with_dot in page.eval_on_selector_all(".entry__meta span", NAME_AND_DOT_LINES))
    assert checked > 100 and names_split >= 1 and dots_split >= 1, (checked, names_split, dots_split)
    page.close()


# The cells of every table's columns of figures with their units, years and metrics not marked
# to be kept whole (digits alone do not break).
UNMARKED_FIGURES = """() => [...document.querySelectorAll("table")].flatMap(table => {
    const headers = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
    const columns = headers.flatMap((h, i) => ["数字", "数值", "年份", "指标"].includes(h) ? [i] : []);
    return [...table.querySelectorAll("tbody tr")].flatMap(tr => columns.map(i => tr.children[i]))
        .filter(td => td && !/^(|—|\\d+)$/.test(td.textContent.trim()) && !td.querySelector(".amount, .wordwise, .term")).map(td => td.textContent);
})"""
# Each chart caption's text and the amounts in it kept whole.
CAPTION_AMOUNTS = """cs => cs.map(c => [c.textContent, [...c.querySelectorAll(".amount")].map(a => a.textContent)])"""


def test_on_a_phone_a_figure_keeps_its_unit_and_a_place_pages_table_fits(browser, site_url):
    """4.3181亿元 must not leave 元 on a line of its own, in a table, a chart's caption, a list of
    figures or an article's box of figures, nor 中央补助 be split after it, nor a dot between
    the two begin a line; the controls (without each rule) do. A table's 2021—2025年 breaks
    only after its dash, its 养老托幼等设施 only between words. A place page's table of figures
    fits the screen without scrolling."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    checked = split_without = tables = dots = dots_without = captions = names_wrapped = 0
    places = sorted(p.relative_to(out).as_posix() for p in (out / "places").glob("*.html"))
    articles = [path for path in sorted(p.relative_to(out).as_posix() for p in (out / "articles").glob("*.html"))
                if 'class="facts-box"' in (out / path).read_text(encoding="utf-8")]
    for path in ["index.html", "report.html", *places, *articles]:
        page.goto(f"{base}/{path}")
        assert page.evaluate(UNMARKED_FIGURES) == [], path
        for caption, amounts in page.eval_on_selector_all("figure.chart figcaption", CAPTION_AMOUNTS):
            figures = re.findall(r"\d{4}—|\d{4}年|\d+(?:\.\d+)?[万亿]?余?元", caption)  # a span breaks after its dash
            assert all(any(f in a for a in amounts) for f in figures), (path, caption, amounts)
            captions += bool(figures)
        for found in page.eval_on_selector_all("tbody :is(td, th) .wordwise", f"es => es.map({LINES_AND_PIECES})"):
            assert set(found["starts"]) <= set(found["pieces"]), (path, found)
            names_wrapped += bool(found["starts"])
        lines = page.eval_on_selector_all(".amount, .term", LINES_TAKEN)
        assert all(count == 1 for _, count in lines), (path, [figure for figure in lines if figure[1] > 1])
        checked += len(lines)
        labelled = page.eval_on_selector_all(":has(> .term)", f"es => es.map({DOT_LINES})")
        assert all(all(joined) for joined in labelled), path
        dots += sum(map(len, labelled))
        if path in places:
            widths = page.eval_on_selector_all(".table-wrap", "ws => ws.filter(w => w.querySelector('.amount')).map(w => [w.scrollWidth, w.clientWidth])")
            assert all(scroll <= client for scroll, client in widths), (path, widths)
            tables += len(widths)
        page.eval_on_selector_all(":has(> .term)", DOTS_AFTER_SPACES)
        dots_without += sum(not joined for each in page.eval_on_selector_all(":has(> .term)", f"es => es.map({DOT_LINES})") for joined in each)
        page.add_style_tag(content=".amount, .term { white-space: normal; }")
        split_without += sum(count > 1 for _, count in page.eval_on_selector_all(".amount, .term", LINES_TAKEN))
    assert checked > 50 and tables >= 5 and split_without >= 1, (checked, tables, split_without)
    assert dots > 50 and dots_without >= 1, (dots, dots_without)
    assert captions >= 2 and names_wrapped >= 1
    page.close()


# Every table laid out as a table, as on a desktop: the controls of phone layouts.
AS_TABLES = ("table { display: table !important; } table tr { display: table-row !important; }"
             " table :is(thead, tbody) { display: table-row-group !important; }"
             " table :is(th, td) { display: table-cell !important; }")
# For each report table in blocks by place: its box's overflow, the right edge of its last
# header, whether each place's name is above the rest of its first row, and whether each
# column's cells begin where its header does.
PLACE_BLOCKS = """wraps => wraps.filter(w => w.querySelector(".same-place")).map(w => {
    const heads = [...w.querySelectorAll("thead th")].slice(1).map(th => th.getBoundingClientRect().left);
    const rows = [...w.querySelectorAll("tbody tr")];
    const named = rows.filter(tr => !tr.cells[0].querySelector(".same-place")).map(tr =>
        tr.cells[0].getBoundingClientRect().bottom <= tr.cells[1].getBoundingClientRect().top + 1);
    const aligned = rows.every(tr => [...tr.cells].slice(1).every((td, i) => Math.abs(td.getBoundingClientRect().left - heads[i]) < 1));
    return {overflow: w.scrollWidth - w.clientWidth, lastHead: w.querySelector("thead th:last-child").getBoundingClientRect().right,
            named, aligned, columns: heads.length + 1};
})"""


def test_a_charts_data_table_is_folded_under_it_and_opens_at_a_tap(browser, site_url):
    """The charts' tables took 5,000 px of a phone's report: each is folded under its chart,
    its summary saying how many rows it holds, and a tap shows it."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/report.html")
    folded = page.locator("details.chart-data")
    assert folded.count() == page.locator("figure.chart").count() >= 4
    short = page.evaluate("document.documentElement.scrollHeight")
    for i in range(folded.count()):
        summary = folded.nth(i).locator("summary")
        rows = int(re.search(r"（(\d+) 行）", summary.inner_text()).group(1))
        assert not folded.nth(i).locator("table").is_visible() and summary.bounding_box()["height"] >= 44
        summary.click()
        assert folded.nth(i).locator("table").is_visible() and folded.nth(i).locator("tbody tr").count() == rows
    assert page.evaluate("document.documentElement.scrollHeight") > short + 2000
    page.close()


@pytest.mark.parametrize("width", [360, 375])
def test_on_a_phone_a_report_table_sets_each_place_above_its_rows_and_fits(browser, site_url, width):
    """A five-column table put 进度 off the screen of a phone. Each place is now a line above
    its rows, the other columns fit and line up, and the table keeps its cells and headers for
    a screen reader; the control (laid out as a table again) does not fit."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{base}/report.html")
    page.eval_on_selector_all("details.chart-data", "ds => ds.forEach(d => { d.open = true; })")  # the charts' tables too
    tables = page.eval_on_selector_all(".table-wrap", PLACE_BLOCKS)
    assert {t["columns"] for t in tables} >= {4, 5, 6}, tables
    for table in tables:
        assert table["overflow"] <= 0 and table["lastHead"] <= width, table
        assert table["named"] and all(table["named"]) and table["aligned"], table
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    roles = Counter(node["role"]["value"] for node in tree if node.get("role"))
    headers = page.eval_on_selector_all("thead th", "hs => hs.length")
    row_headers = page.eval_on_selector_all("tbody th", "hs => hs.length")  # a row's place or metric heads it
    cells = page.eval_on_selector_all("td", "ds => ds.length")
    assert roles["columnheader"] == headers and roles["rowheader"] == row_headers > 0 and roles["cell"] == cells, roles
    page.add_style_tag(content=AS_TABLES)
    assert any(t["overflow"] > 0 for t in page.eval_on_selector_all(".table-wrap", PLACE_BLOCKS))
    page.close()


@pytest.mark.parametrize("width", [360, 375])
def test_on_a_phone_a_places_table_of_figures_fits_with_each_status_whole(browser, site_url, width):
    """签约或授信（银行信贷） breaks only between words, and still fits a 360 px phone: tables of
    figures are set closer there. The control (the spacing of other tables) does not fit."""
    base, out = site_url
    page = browser.new_page(viewport={"width": width, "height": 800})
    overflows = """ws => ws.filter(w => w.querySelector('.amount')).map(w => w.scrollWidth - w.clientWidth)"""
    statuses = without = 0
    for path in sorted(p.relative_to(out).as_posix() for p in (out / "places").glob("*.html")):
        page.goto(f"{base}/{path}")
        assert all(overflow <= 0 for overflow in page.eval_on_selector_all(".table-wrap", overflows)), path
        for found in page.eval_on_selector_all("td:last-child .wordwise", f"es => es.map({LINES_AND_PIECES})"):
            assert set(found["starts"]) <= set(found["pieces"]), (path, found)
            statuses += 1
        page.add_style_tag(content="table { font-size: 0.9375rem !important; } table :is(th, td) { padding: 0.4rem 0.5rem !important; }")
        without += any(overflow > 0 for overflow in page.eval_on_selector_all(".table-wrap", overflows))
    assert statuses > 10 and without >= 1, (statuses, without)
    page.close()


def test_a_key_points_mark_shows_on_its_page_and_nowhere_it_would_run_into_text(browser, site_url):
    """"…得到解决 ●“十四五”期间" in listings, the page's description and search results: the
    mark (●) is drawn on the page only, before each key point."""
    base, out = site_url
    path = article_path(out, "重庆“党建+市场”")
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/{path}")
    marks = page.eval_on_selector_all(".summary li", "items => items.map(li => { const m = li.querySelector('.key-mark');"
                                      " return m ? getComputedStyle(m, '::before').content : ''; })")
    assert marks and all(mark == '"●"' for mark in marks), marks
    description = page.get_attribute('meta[name="description"]', "content")
    assert description.startswith("全市680余个社区") and "●" not in description
    page.goto(f"{base}/index.html")
    assert "全市680余个社区" in page.inner_text("main") and "●" not in page.inner_text("main")
    assert "●" not in "".join(title for _, title in search_results(page, base, "十四五"))
    excerpts = page.eval_on_selector_all(".search-result__excerpt", "es => es.map(e => e.textContent)")
    assert any("得到解决 “十四五”期间" in e for e in excerpts) and not any("●" in e for e in excerpts), excerpts
    page.close()


def test_a_place_pages_link_to_a_report_chart_opens_at_its_heading_with_room_above(browser, site_url):
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/places/wu-shan-xian.html")
    page.click("text=老旧小区改造资金（按地方和来源）")
    page.wait_for_load_state()
    assert page.url.endswith("report.html#chart-renovation-funding-by-place")
    top = page.eval_on_selector("#chart-renovation-funding-by-place", "h => h.getBoundingClientRect().top")
    assert 16 <= top <= 48, top  # in view, not flush with the window's edge
    page.close()


def test_on_a_phone_the_reports_contents_are_large_enough_to_tap_and_go_to_their_sections(browser, site_url):
    base, _ = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/report.html")
    links = page.locator(".page-contents a")
    assert links.count() >= 6
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert all(box["height"] >= 44 and box["x"] + box["width"] <= 375 for box in boxes), boxes
    for i in (links.count() - 1, 2):  # the last section, then one back up the page
        target = links.nth(i).get_attribute("href")
        links.nth(i).click()
        page.wait_for_function(f"location.hash === '{target}'")
        top = page.eval_on_selector(target, "h => h.getBoundingClientRect().top")
        assert 0 <= top <= 48 or page.evaluate("innerHeight + scrollY >= document.documentElement.scrollHeight - 1"), (target, top)
        page.evaluate("window.scrollTo(0, 0)")
    # each section after the first ends with a link back up, as large to tap; the last too
    back = page.locator(".to-contents a")
    assert back.count() == links.count()
    assert all(back.nth(i).bounding_box()["height"] >= 44 for i in range(back.count()))
    back.last.click()
    page.wait_for_function("location.hash === '#contents'")
    assert 0 <= page.eval_on_selector(".page-contents", "n => n.getBoundingClientRect().top") <= 48
    page.close()


def test_in_forced_colours_only_the_current_sections_link_is_underlined(browser, site_url):
    """A transparent border is drawn in the text's colour there: all eight links got the bar."""
    base, _ = site_url
    page = browser.new_page()
    page.emulate_media(forced_colors="active")
    page.goto(f"{base}/report.html")
    bars = page.eval_on_selector_all(".site-nav a", "as => as.map(a => [a.hasAttribute('aria-current'), getComputedStyle(a).borderBottomColor])")
    current = {colour for marked, colour in bars if marked}
    others = {colour for marked, colour in bars if not marked}
    background = page.eval_on_selector(".site-header", "h => getComputedStyle(h).backgroundColor")
    assert len(current) == 1 and others == {background} and current != others, bars
    page.close()


def test_on_a_phone_with_text_twice_as_large_no_page_runs_past_the_screen(browser, site_url):
    """A reader's text setting at 200%: a place's list （江海晚报，2021年12月31日）, an article's
    figures (拆除违建面积 3万余平方米) and its file's name, each kept whole, ran 20-200 px past
    the edge. The control, every name kept whole, runs past it."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    paths = ["index.html", "report.html", "places/nan-tong-shi.html", "places/bei-bei-qu.html",
             article_path(out, "倾听居民想法"), article_path(out, "城乡供水一体化")]
    large = "html { font-size: 200% !important; }"
    for path in paths:
        page.goto(f"{base}/{path}")
        page.add_style_tag(content=large)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto(f"{base}/places/nan-tong-shi.html")  # at the usual size a name stays whole
    assert all(n == 1 for _, n in page.eval_on_selector_all(".term", LINES_TAKEN))
    page.add_style_tag(content=large + ".term { white-space: nowrap !important; }")
    assert page.evaluate("document.documentElement.scrollWidth") > 375
    page.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_report_does_not_move_as_its_charts_load(browser, site_url, width):
    """A lazy chart without a stated size took no room until it loaded, then pushed what
    follows it down a screen or more: a link focused below it went out of sight."""
    base, _ = site_url
    tops = "es => es.map(e => Math.round(e.getBoundingClientRect().top + scrollY))"
    unloaded = browser.new_page(viewport={"width": width, "height": 800})
    unloaded.route("**/*.svg", lambda route: None)  # never answered: every chart stays unloaded
    unloaded.goto(f"{base}/report.html", wait_until="domcontentloaded")
    assert not any(unloaded.eval_on_selector_all("figure.chart img", "is => is.map(i => i.complete)"))
    before = unloaded.eval_on_selector_all(".chart-data summary", tops)
    unloaded.close()
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{base}/report.html")
    page.eval_on_selector_all("figure.chart img", "is => Promise.all(is.map(i => { i.loading = 'eager'; return i.decode(); }))")
    after = page.eval_on_selector_all(".chart-data summary", tops)
    page.close()
    # within the pixels a size in whole pixels rounds away (345.6 x 921.6 is given as 346 x 922)
    assert len(after) >= 4 and all(abs(a - b) <= 2 * (i + 1) for i, (a, b) in enumerate(zip(before, after))), (before, after)


def test_on_a_phone_a_charts_smallest_text_is_at_least_12_px(browser, site_url):
    """A chart is drawn a phone column wide, so its text is not shrunk to fit one: drawn for a
    wider column, its bar labels came out 11 px on a 375 px phone."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/report.html")
    shown = page.eval_on_selector_all("figure.chart img", """imgs => Promise.all(imgs.map(async i => {
        i.loading = "eager"; await i.decode(); return [i.getAttribute('src'), i.getBoundingClientRect().width]; }))""")
    assert len(shown) == 4
    for src, width in shown:
        svg = (out / unquote(src).removeprefix("./")).read_text(encoding="utf-8")
        view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', svg).group(1))
        smallest = min(float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg))
        assert smallest * width / view_width >= 12, (src, smallest, width, view_width)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_tables_headers_and_place_names_are_never_split_inside_a_word(browser, site_url, width):
    """改造小|区 and 望霞路35号小|区 broke even on a desktop; a name of several places breaks
    only after its 、. The control (without the rule) splits one."""
    base, out = site_url
    page = browser.new_page(viewport={"width": width, "height": 800})
    cells = "th, th:first-child > a"
    # Each stretch between the places of a merged name ("南通市、崇川区、江苏省"), on its own line.
    stretches = """cells => cells.flatMap(cell => {
        const lines = new Set(Array.from(cell.getClientRects(), r => Math.round(r.top))).size;
        return [[cell.textContent.trim(), lines, cell.textContent.split("、").length]];
    })"""
    checked = split_without = 0
    for path in ["report.html", *sorted(p.relative_to(out).as_posix() for p in (out / "places").glob("*.html"))[:6]]:
        page.goto(f"{base}/{path}")
        found = page.eval_on_selector_all(cells, stretches)
        assert all(lines <= parts for _, lines, parts in found), (path, [f for f in found if f[1] > f[2]])
        checked += len(found)
        # The control: without the rule, and with the report's tables as tables at every width,
        # their place column narrow (the address after a place, 望霞路35号小区（重庆市巫山县）,
        # made it too wide at a desktop's width for the names in it to need a break).
        page.add_style_tag(content=f"{cells} {{ word-break: normal; }} th .term {{ white-space: normal; }}"
                                   f" tbody th {{ max-width: 5em; }} {AS_TABLES}")
        split_without += sum(lines > parts for _, lines, parts in page.eval_on_selector_all(cells, stretches))
    assert checked > 50 and split_without >= 1, (checked, split_without)
    page.close()


# For each "·" in the element: whether it is on the line of the character before its space.
# For each dot in an element's text: whether it is on the line of the character before it.
DOT_LINES = """element => {
    const chars = [], walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());)
        for (let i = 0; i < node.textContent.length; i++) if (node.textContent[i].trim()) chars.push([node, i]);
    const top = ([node, i]) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1); return Math.round(r.getBoundingClientRect().top); };
    return chars.flatMap((c, k) => k && c[0].textContent[c[1]] === "·" ? [top(c) === top(chars[k - 1])] : []);
}"""
# Gives each dot in the elements' text a plain space before it, for the controls.
DOTS_AFTER_SPACES = """elements => elements.forEach(e => {
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) node.textContent = node.textContent.replaceAll("\\u00a0·", " ·");
})"""


def test_an_articles_box_of_figures_holds_its_heading_and_list_at_its_padding(browser, site_url):
    """The box of figures had a band above its heading (the heading's own margin) that the
    核心阅读 box beside it does not have: its contents begin and end at its padding."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/{article_path(out, '巫山：老旧小区')}")
    gaps = page.eval_on_selector(".facts", """box => {
        const outer = box.getBoundingClientRect(), style = getComputedStyle(box);
        const first = box.querySelector(".facts-box > :first-child").getBoundingClientRect();
        const last = box.querySelector(".facts-box > :last-child").getBoundingClientRect();
        return [first.top - outer.top - parseFloat(style.paddingTop), outer.bottom - last.bottom - parseFloat(style.paddingBottom)];
    }""")
    assert all(abs(gap) <= 1 for gap in gaps), gaps
    page.close()


def test_on_a_phone_the_site_names_dot_ends_a_line_never_begins_one(browser, site_url):
    """老旧小区改造 · 地方报纸档案 wraps on a phone; a separator does not begin a line in Chinese
    typesetting. The control (a plain space before the dot) begins the second line with it."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/index.html")
    wraps = "e => { const r = document.createRange(); r.selectNodeContents(e); return new Set(Array.from(r.getClientRects(), x => Math.round(x.top))).size; }"
    assert page.eval_on_selector("h1", wraps) == 2  # it does wrap
    assert page.eval_on_selector("h1", DOT_LINES) == [True]
    assert page.eval_on_selector(".site-name", DOT_LINES) == [True]
    page.eval_on_selector_all("h1", DOTS_AFTER_SPACES)
    assert page.eval_on_selector("h1", DOT_LINES) == [False]
    page.close()


def test_on_a_phone_a_name_in_code_is_never_split_at_its_hyphen(browser, site_url):
    """utf-8-sig, the encoding the data page tells a reader to choose, stays on one line at
    every phone width; the control (without the rule) splits it after utf- at some width
    (where a line ends depends on the page's words, so the widths are swept)."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(f"{base}/data.html")
    widths = range(320, 432, 4)
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        codes = page.eval_on_selector_all(":not(pre) > code", LINES_TAKEN)
        assert ["utf-8-sig", 1] in codes and all(count == 1 for _, count in codes), (width, [c for c in codes if c[1] > 1])
    page.add_style_tag(content=":not(pre) > code { white-space: normal; }")
    split = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        split += [width] if ["utf-8-sig", 2] in page.eval_on_selector_all(":not(pre) > code", LINES_TAKEN) else []
    assert split
    page.close()


def test_the_page_file_link_opens_the_whole_page_in_readable_chinese(browser, site_url):
    """The link opens the page's text as a page a phone shows at its width (a .txt opened at a
    desktop's width, its characters a few pixels high); its text file, served as text/plain
    with no charset as static hosts serve .txt, still reads as Chinese."""
    base, out = site_url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    path = article_path(out, "巫山：老旧小区")
    page.goto(f"{base}/{path}")
    page.click("dt:text('版面') + dd a")
    page.wait_for_load_state()
    seed = (SEEDS / "000_697f09e09f9696df.txt").read_text(encoding="utf-8")
    assert page.url.endswith("/data/pages/000_697f09e09f9696df.html")
    assert page.inner_text(".page-text__lines").split() == seed.split()  # every line of the page, none garbled
    size = page.eval_on_selector(".page-text__lines p", "p => parseFloat(getComputedStyle(p).fontSize) * visualViewport.scale")
    assert size >= 16 and page.evaluate("document.documentElement.scrollWidth") <= 390, size
    page.click("text=纯文本")
    page.wait_for_load_state()
    assert page.url.endswith("/data/pages/000_697f09e09f9696df.txt")
    assert page.inner_text("body").split() == seed.split()
    phone.close()


def article_texts(out) -> dict[str, tuple[str, str]]:
    """Site-relative URL -> (title, every text of the article a reader sees), from the data."""
    texts = {}
    for a in json.loads((out / "data" / "articles.json").read_text(encoding="utf-8")):
        parts = [a["kicker"], a["title"], a["subtitle"], a["byline"], *a["summary"], *a["captions"]]
        parts += [text for section in a["sections"] for text in (section["heading"], *section["paragraphs"])]
        texts[a["url"]] = (a["title"], "\n".join(p for p in parts if p))
    return texts


def test_searching_jiazhuang_dianti_finds_every_article_holding_it_and_no_other(browser, site_url):
    base, out = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/search.html")
    page.fill("input[type=search]", "加装电梯")  # typing searches, no button needed
    page.wait_for_selector(".search-result__link", timeout=15000)
    wait_for_search(page)
    found = set(listed_results(page, base))
    holding = {(url, title) for url, (title, text) in article_texts(out).items() if "加装电梯" in text}
    assert len(holding) >= 2 and found == holding
    # The excerpt shows the page's own text, its characters together, the query marked.
    excerpt = page.inner_text(".search-result__excerpt")
    assert "加装电梯" in excerpt and not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", excerpt)
    assert "".join(page.locator(".search-result__excerpt mark").first.evaluate_all("ms => ms.map(m => m.textContent)")).startswith("加装电梯")
    page.close()


def test_a_result_opens_its_article_at_the_sentence_of_its_first_match(browser, site_url):
    """A result opened the article at its top, the words searched for a few screens down; a
    match in the headline still opens the top."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    texts = article_texts(out)
    landed = 0
    for query in ("加装电梯", "停车位", "幸福", "安全生产"):
        for url, href in [(url, page.locator(".search-result__link").nth(i).get_attribute("href"))
                          for i, (url, _) in enumerate(search_results(page, base, query))]:
            fragment = urlsplit(urljoin(page.url, href)).fragment
            meta = next(a for a in json.loads((out / "data" / "articles.json").read_text(encoding="utf-8")) if a["url"] == url)
            if not fragment:  # only where the headline holds it
                assert query in " ".join([meta["kicker"], meta["title"], meta["subtitle"], meta["byline"]]), (query, url)
                continue
            article = (out / url).read_text(encoding="utf-8")
            sentence = re.search(rf'id="{fragment}">(.*?)</(?:span|h2)>', article, re.S)  # a sentence, or a section's heading
            assert sentence and query in re.sub(r"<[^>]+>|\s", "", sentence.group(1)), (query, url, fragment)
            # the first sentence holding it, not a later one: no sentence before it holds it
            body = article.split('article__body">', 1)[1].split(f'id="{fragment}"', 1)[0]
            before = re.findall(r'<span class="sentence" id="[^"]+">(.*?)</span>', body, re.S)
            assert not [b for b in before if query in re.sub(r"<[^>]+>|\s", "", b)], (query, url)
            landed += 1
        assert all(query in texts[url][1] for url, _ in listed_results(page, base))
    assert landed >= 5
    # and the article opens there, the sentence marked and in sight
    page.locator(".search-result__link").first.click()
    page.wait_for_load_state()
    if urlsplit(page.url).fragment:
        assert page.evaluate("document.querySelector(':target').getBoundingClientRect().top") < 800
    page.close()


def test_keyword_links_open_the_search_with_results(browser, site_url):
    base, out = site_url
    page = browser.new_page()
    page.goto(f"{base}/search.html?q=物业")
    page.wait_for_selector(".search-result__link", timeout=15000)
    assert page.locator(".search-result__link").count() >= 2
    assert page.input_value("input[type=search]") == "物业"
    page.close()


def test_hostile_text_stays_text_in_search_results_and_articles(browser, tmp_path):
    from tests.test_hostile_text import HOSTILE

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    build(seeds, out, tmp_path / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dialogs: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        page.goto(f"{base}/search.html?q=老旧小区改造")
        page.wait_for_selector(".search-result__link", timeout=15000)
        wait_for_search(page)
        results = page.locator("#search")
        assert results.locator("img, script").count() == 0
        assert "onerror" not in results.inner_text()  # a stray tag is removed at ingest, not shown
        # The headline is shown as the text it is, template syntax and all, not run or dropped.
        assert page.inner_text(".search-result__link") == "老旧小区改造{{ SITENAME }}"
        article = next((out / "articles").glob("*.html")).relative_to(out).as_posix()
        page.goto(f"{base}/{article}")
        page.wait_for_load_state("networkidle")
        assert page.locator("article img").count() == 0
        assert page.inner_text("h1") == "老旧小区改造{{ SITENAME }}"
        assert "增幅<5%" in page.inner_text("article")  # an angle bracket of the text is shown as text
        assert dialogs == []
    finally:
        page.close()
        server.shutdown()


SUB_PATH = "archive/site"  # the site is served below the server's root, as on a project host


@pytest.fixture(scope="module")
def sharded_site_url(tmp_path_factory):
    """The seed pages built with three search shards, served under a sub-path."""
    tmp = tmp_path_factory.mktemp("sharded")
    out = tmp / SUB_PATH
    build(SEEDS, out, tmp / "work", ROOT / "pelicanconf.py", settings={"SEARCH_SHARD_PAGES": 10}, progress=Progress(quiet=True))
    handler = functools.partial(QuietHandler, directory=str(tmp))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/{SUB_PATH}", out
    server.shutdown()


def wait_for_search(page) -> None:
    """Until the search page has answered: the result count (or why there is none) is shown
    and the result list is no longer busy."""
    page.wait_for_function(
        "document.querySelector('.search-status')?.textContent"
        " && document.querySelector('.search-results')?.getAttribute('aria-busy') === 'false'",
        timeout=15000,
    )


def shown_count(page) -> int:
    """N of the "找到 N 篇文章" the search page shows."""
    text = page.inner_text(".search-status")
    match = re.fullmatch(r"找到 (\d+) 篇文章", text)
    assert match, text
    return int(match.group(1))


def show_all_results(page) -> None:
    """Press 更多结果 until every result is listed."""
    while page.locator(".search-more:visible").count():
        before = page.locator(".search-result").count()
        page.click(".search-more")
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {before}")
        wait_for_search(page)


def listed_results(page, base: str) -> list[tuple[str, str]]:
    """(site-relative URL, title) of every result listed on the page, in order."""
    prefix = urlsplit(base).path + "/"
    links = page.locator(".search-result__link")
    results = []
    for i in range(links.count()):
        path = unquote(urlsplit(urljoin(page.url, links.nth(i).get_attribute("href"))).path)
        assert path.startswith(prefix), (path, prefix)  # results stay under the site's own sub-path
        results.append((path.removeprefix(prefix), links.nth(i).inner_text()))
    return results


def open_search(page, base: str, query: str) -> None:
    """The search page for `query`, once it has answered."""
    page.goto(f"{base}/search.html?q={quote(query)}")
    wait_for_search(page)


def search_results(page, base: str, query: str) -> list[tuple[str, str]]:
    """(site-relative URL, title) of every result the search page shows for `query`, in order."""
    open_search(page, base, query)
    if page.locator(".search-result").count() == 0:
        return []
    show_all_results(page)
    results = listed_results(page, base)
    assert shown_count(page) == len(results), query
    return results


def site_bundles(out) -> list[str]:
    manifest = json.loads((out / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    return [entry["bundle"] for entry in manifest["shards"]]


# Words of several characters, words that punctuation or digits run into, one character, a
# query of two terms (both must be there), and words no page holds.
SEARCH_QUERIES = ["加装电梯", "电梯加装", "老旧小区", "城乡供水", "物业管理", "巫山县", "党建+市场", "3000余部", "梯",
                  "老旧小区 电梯", "巫山 量子", "zzzz不存在的词"]


def holding(out, query: str) -> set[tuple[str, str]]:
    """(URL, title) of the articles whose text holds every term of `query`."""
    terms = query.split()
    return {(url, title) for url, (title, text) in article_texts(out).items() if all(t in text for t in terms)}


def test_search_finds_exactly_the_articles_holding_the_query(browser, site_url):
    base, out = site_url
    assert len(site_bundles(out)) == 1
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for query in SEARCH_QUERIES:
        assert set(search_results(page, base, query)) == holding(out, query), query
    assert len(search_results(page, base, "工作")) > 10  # 更多结果 was pressed
    page.close()


def test_a_figure_copied_from_the_report_finds_the_articles_that_state_it(browser, site_url):
    """The report shows a figure as its sources print it (2600多个, not 2600余个; 43181万元, not
    4.3181亿元), unless its unit is written otherwise (25.4万老旧小区居民 is 25.4万人); search then finds
    the figure's articles."""
    base, out = site_url
    texts = article_texts(out)
    url_of = {a["id"]: a["url"] for a in json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))}
    with (out / "data" / "scale_by_place.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    as_printed = {row["display"]: {url_of[a] for a in row["sources"].split(",")} for row in rows
                  if all(row["display"] in texts[url_of[a]][1] for a in row["sources"].split(","))}
    assert len(as_printed) >= 0.9 * len({row["display"] for row in rows}), sorted(as_printed)
    assert "2600多个" in as_printed and "68万多户" in as_printed and "43181万元" in as_printed and "4.5万多名" in as_printed
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for figure, sources in as_printed.items():
        found = {url for url, _ in search_results(page, base, figure)}
        assert sources <= found, figure
    page.close()


def test_excerpts_keep_the_pages_spaces_and_breaks_and_drop_the_index_spacing(browser, site_url):
    """A space of the page's own stays (记者 霍磊), and so does a break where a block ends (two
    paragraphs: 完工。” 据悉); the spaces the index put between words go (59.28万, not 59. 28万)."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for query, shown in [("有力促进社会和谐稳定", "本报讯（记者 霍磊）10月20日，全区"), ("据悉，面对居民的诉求", "全面完工。” 据悉，面对居民的诉求"),
                         ("改造面积", "改造面积59.28万平方米，惠及5532户居民")]:
        open_search(page, base, query)
        excerpt = page.inner_text(".search-result__excerpt")
        assert shown in excerpt, (query, excerpt)
        assert "\u2063" not in excerpt and "  " not in excerpt and not excerpt.startswith(" "), excerpt
    page.close()


def test_an_excerpt_marks_every_term_of_the_query_it_holds(browser, site_url):
    """Pagefind marks only the phrase it looked up, the first term; the others are marked too."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_search(page, base, "改造 居民")
    excerpts = page.eval_on_selector_all(".search-result__excerpt", """es => es.map(e => [e.textContent,
        [...e.querySelectorAll("mark")].map(m => m.textContent.replace(/[^\\p{L}\\p{N}]/gu, ""))])""")
    # A mark holds terms only, one or more: 居民改造 is one mark where the two meet.
    assert excerpts and all(re.fullmatch("(改造|居民)+", mark) for _, marks in excerpts for mark in marks), excerpts
    assert all(("居民" in "".join(marks)) == ("居民" in text) for text, marks in excerpts), excerpts
    assert any("居民" in "".join(marks) for _, marks in excerpts)
    page.close()


@pytest.mark.parametrize("query", ["老旧小区 电梯", "改造 居民", "停车位 居民"])
def test_an_excerpt_for_several_terms_shows_a_stretch_holding_each(browser, site_url, query):
    """Pagefind places its window on the first term alone, so 老旧小区 电梯 showed 老旧小区 and
    no 电梯; where a listing-long stretch of the page holds every term, that is the excerpt.
    An excerpt cut from its page begins a clause, never with the marks that close the one
    before (…”。重庆市), and a figure is never spaced apart (59. 28万)."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_search(page, base, query)
    show_all_results(page)
    terms = query.split()
    excerpts = page.eval_on_selector_all(".search-result", """rs => rs.map(r => [r.querySelector("a").getAttribute("href"),
        r.querySelector(".search-result__excerpt").textContent,
        [...r.querySelectorAll(".search-result__excerpt mark")].map(m => m.textContent)])""")
    bodies = {a["url"]: re.sub(r"\s", "", "".join([*a["summary"], *(t for section in a["sections"] for t in (section["heading"], *section["paragraphs"])),
                                                    *a["captions"]]))  # in the page's order, after its heading and byline
              for a in json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))}
    near = 0
    for url, text, marks in excerpts:
        body = bodies[url.removeprefix(base).lstrip("/").split("#", 1)[0]]  # the result opens at its sentence
        if shortest_stretch(body, terms) <= 80:  # the search page takes 90 characters of the page
            assert all(term in "".join(marks) for term in terms), (text, marks)
            near += 1
        assert not re.match(r"…[\s”’」』）》〉】〕。，、；：！？,.;:!?)]", text), text
        assert not re.search(r"\d[.,]\s+\d|\d\s+[.,]\d", text), text
    assert near >= 1
    page.close()


def shortest_stretch(text: str, terms: list[str]) -> float:
    """Characters in the shortest stretch of `text` holding every term; infinite if none does."""
    hits = sorted((m.start(), m.start() + len(term), term) for term in terms for m in re.finditer(re.escape(term), text))
    best = float("inf")
    for i, (start, _, _) in enumerate(hits):
        seen, end = set(), 0
        for _, stop, term in hits[i:]:
            seen.add(term)
            end = max(end, stop)
            if len(seen) == len(terms):
                best = min(best, end - start)
                break
    return best


@pytest.mark.parametrize("query", ["加装电梯", "党建+市场", "幸福里", "老旧小区 电梯"])
def test_a_mark_holds_the_query_not_the_punctuation_around_it(browser, site_url, query):
    """Pagefind marks the index's words with their punctuation (加装电梯，); a mark begins and
    ends with a letter, and keeps what lies between two (党建+市场)."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_search(page, base, query)
    marks = page.eval_on_selector_all(".search-result mark", "ms => ms.map(m => m.textContent)")
    assert marks and all(re.fullmatch(r"\w(.*\w)?", mark) for mark in marks), marks
    terms = "|".join(re.escape(re.sub(r"\W", "", term)) for term in query.split())
    assert all(re.fullmatch(f"({terms})+", re.sub(r"\W", "", mark)) for mark in marks), marks  # terms, one or more
    page.close()


def test_an_excerpt_cut_from_its_page_says_so_where_it_is_cut(browser, site_url):
    """An excerpt from the middle of a page begins and ends with "…", as a listing's does; one
    from the start of a page does not begin with it, unless the article began on another page."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_search(page, base, "停车位")
    middle = page.locator(".search-result__excerpt").all_inner_texts()
    assert len(middle) >= 2 and all(t.startswith("…") and t.endswith("…") for t in middle), middle
    open_search(page, base, "党建+市场")
    start = page.inner_text(".search-result__excerpt")
    assert start.startswith("全市680余个社区在基层党组织带领下") and start.endswith("…"), start  # after the byline
    # An article whose opening is on another page (前文不在本版) begins inside it, and says so.
    open_search(page, base, "幸福新生活")
    start = page.inner_text(".search-result__excerpt")
    assert start.startswith("…改造，再加上安装工程"), start
    page.close()


def test_an_excerpt_cut_inside_a_figure_leaves_the_piece_out(browser, site_url):
    """Pagefind's window ended …涉及约4.… for 约4.35万栋: its words part 4. from 35."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    endings = []
    for query in ("十四五", "电梯", "资金", "小区"):
        search_results(page, base, query)
        endings += page.eval_on_selector_all(".search-result__excerpt", "es => es.map(e => e.textContent.slice(-3))")
    assert len(endings) > 10
    assert not [end for end in endings if re.search(r"[\d.,]…$", end)], endings
    page.close()


RESULT_PARTS = """items => items.map(item => ({
    kicker: item.querySelector(".entry__kicker")?.textContent ?? null,
    title: item.querySelector(".search-result__title").textContent,
    titleMarks: [...item.querySelectorAll(".search-result__title mark")].map(m => m.textContent),
    subtitle: item.querySelector(".entry__subtitle")?.textContent ?? null,
    excerpt: item.querySelector(".search-result__excerpt").textContent,
}))"""


def test_a_result_shows_its_headline_once_and_the_pages_opening_after_it(browser, site_url):
    """Pagefind's window at the start of a page is mostly its kicker, headline and subtitle,
    which the result shows above the excerpt as a listing does: the excerpt is the opening
    after them instead, about as long as a listing's. The query is marked in the headline."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_search(page, base, "有力促进社会和谐稳定")
    [result] = page.eval_on_selector_all(".search-result", RESULT_PARTS)
    assert result["kicker"] == "王俊在全区加强和创新基层治理工作推进会上强调"
    assert result["titleMarks"] == ["有力促进社会和谐稳定"]
    opening = "本报讯（记者 霍磊）10月20日，全区加强和创新基层治理工作推进会召开。区委书记王俊出席会议并讲话。"
    assert result["excerpt"].startswith(opening) and result["excerpt"].endswith("…") and len(result["excerpt"]) >= 90, result
    # the byline is left out too, as a listing's excerpt has none (本报记者 毕京津)
    open_search(page, base, "西工区承担了全市")
    assert page.inner_text(".search-result__excerpt").startswith("河南省洛阳市西工区承担了全市中心城区54%")
    open_search(page, base, "老旧小区")
    show_all_results(page)
    results = page.eval_on_selector_all(".search-result", RESULT_PARTS)
    squeezed = lambda text: re.sub(r"\s+", "", text or "")
    for r in results:
        assert not squeezed(r["excerpt"]).startswith(squeezed(r["title"])), r
        assert r["subtitle"] is None or squeezed(r["subtitle"]) not in squeezed(r["excerpt"])[:60], r
        assert r["titleMarks"] == ["老旧小区"] * r["title"].count("老旧小区"), r
    assert sum(not r["excerpt"].startswith("…") for r in results) >= 3  # openings, not only windows
    assert any(r["subtitle"] for r in results) and any(r["titleMarks"] for r in results)
    page.close()


def test_the_search_page_cuts_text_into_the_words_the_index_holds(browser, site_url):
    """search.js cuts a query as analysis/search.py cuts the pages, in the browser's own regular
    expressions: a difference would make phrases miss."""
    from analysis.search import search_words

    base, _ = site_url
    texts = ["重庆“党建+市场”改造老旧小区，共为老旧小区加装电梯3000余部。", "COVID-19疫情 5G网络 e.g. “里子工程”",
             "Ｆｕｌｌ　ｗｉｄｔｈ１２３ café", "𠀀𪚥——破折号——", "a_b c-d (注)"]
    page = browser.new_page()
    page.goto(f"{base}/search.html")
    source = (ROOT / "theme" / "static" / "js" / "search.js").read_text(encoding="utf-8")
    words = source[source.index("  const IDEOGRAPH ="): source.index("  /** The query's terms")]
    cut = page.evaluate(f"(texts) => {{ {words}; return texts.map(searchWords); }}", texts)
    assert cut == [search_words(t) for t in texts]
    page.close()


def test_search_excerpts_cut_outside_figures_as_a_listings_excerpt_does(browser, site_url):
    """search.js cuts the excerpts it makes as analysis/text.py's cut_outside_figures cuts a
    listing's: 下达7亿元 is not cut to 下达7, nor 2000年 to 0年, nor G20 to G."""
    from analysis.text import cut_outside_figures

    base, _ = site_url
    samples = [("下达7亿元资金", 0, 3), ("下达7亿元资金", 0, 4), ("2000年以前修建", 0, 2), ("2000年以前修建", 0, 5), ("G20峰会", 0, 1),
               ("增长50%以上", 0, 4), ("增长50%以上", 0, 5), ("共1,200户居民", 0, 3), ("7亿元", 0, 1), ("𠀀𠀀下达7亿元", 0, 5),
               ("改造小区10个", 0, 3), ("建于2000年以前", 4, 9), ("共1,200户居民", 3, 8), ("𠀀G20峰会", 2, 5), ("50%", 1, 3)]
    page = browser.new_page()
    page.goto(f"{base}/search.html")
    code = js_source(["outsideFigures"], ["FIGURE_RUN", "UNIT_SIGNS"])
    cuts = page.evaluate(f"(samples) => {{ {code}; return samples.map(([t, s, e]) => outsideFigures(Array.from(t), s, e)); }}", samples)
    assert cuts == [list(cut_outside_figures(text, start, end)) for text, start, end in samples]
    assert [end for _, end in cuts[:3]] == [2, 4, 5]  # 下达|7亿元, 下达7亿|元 (the figure keeps its first unit), 2000年|以前
    assert cuts[11] == [2, 9]  # 建于|2000年以前, not 0年以前
    page.close()


def js_source(names: list[str], constants: list[str]) -> str:
    """The named functions and constants of search.js, to run on their own in a page."""
    source = (ROOT / "theme" / "static" / "js" / "search.js").read_text(encoding="utf-8")
    parts = [source[source.index(f"  const {c} ="): source.index("\n", source.index(f"  const {c} ="))] for c in constants]
    for name in names:
        start = source.index(f"  function {name}(")
        parts.append(source[start: source.index("\n  }\n", start) + 4])
    return "\n".join(parts)


def test_search_marks_terms_by_character_past_characters_outside_the_basic_plane(browser, site_url):
    """𠀀 is one character but two UTF-16 units: a term after it was marked one character off,
    or the search failed (搜索出错)."""
    base, _ = site_url
    page = browser.new_page()
    page.goto(f"{base}/search.html")
    code = js_source(["markTerms", "lowerCased", "positionsOf", "afterHeading"], ["PUNCT", "PUNCT_CHAR", "SPACE_MARK"])
    marked, rest = page.evaluate(f"""() => {{ {code};
        let shownTerms = ["电梯"];
        const chars = Array.from("𠀀村加装电梯，𠀀𠀀电梯", (c) => [c, false]);
        markTerms(chars);
        const rest = afterHeading(Array.from("𠀀村标题正文", (c) => [c, false]), ["𠀀村标题"]).map(([c]) => c).join("");
        return [chars.map(([c, m]) => (m ? c : "_")).join(""), rest]; }}""")
    assert marked == "____电梯___电梯" and rest == "正文"
    page.close()


def test_search_over_several_shards_finds_what_one_index_finds_and_opens_it(browser, site_url, sharded_site_url):
    (one_base, one_out), (base, out) = site_url, sharded_site_url
    articles = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    shards = search_shards([a["url"] for a in articles], 10, {a["url"]: a["page"] for a in articles})
    assert len(shards) == 3
    shard_of = {url: i for i, urls in enumerate(shards) for url in urls}
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    answered_from = set()
    opened = set()
    for query in SEARCH_QUERIES:
        expected = dict(search_results(page, one_base, query))
        found = dict(search_results(page, base, query))
        assert found == expected == dict(holding(out, query)), query  # the same pages and titles
        answered_from |= {shard_of[url] for url in expected}
        for url, title in found.items():
            if url in opened:
                continue
            response = page.goto(f"{base}/{url}")
            assert response is not None and response.status == 200, url
            assert page.inner_text("h1") == title
            opened.add(url)
    assert len(answered_from) >= 2  # the bundles all answer, not just the first
    assert "没有找到" in (search_results(page, base, "zzzz不存在的词") or page.inner_text(".search-status"))
    page.close()
    assert errors == []
    assert hosts == {urlsplit(base).netloc, urlsplit(one_base).netloc}  # nothing from other hosts


def facet_counts(page, facet: str) -> dict[str, int]:
    """The values offered under one filter group, with the count shown next to each."""
    return page.evaluate(
        """(facet) => Object.fromEntries(
            [...document.querySelectorAll(`.search-facet[data-facet="${facet}"] label`)].map(
                (label) => [label.querySelector("input").value, parseInt(label.querySelector(".count").textContent, 10)]))""",
        facet,
    )


def result_facets(page) -> list[dict[str, str]]:
    """The filter values printed under each listed result."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.search-result')].map((item) => Object.fromEntries(
            [...item.querySelectorAll('.search-result__facets div')].map(
                (pair) => [pair.querySelector('dt').textContent, pair.querySelector('dd').textContent])))"""
    )


def filed_facets(page) -> list[dict[str, str]]:
    """`result_facets` with each result's 地区 as its search entry is filed: the places it
    lists and those above them (`places_above`), as place pages list it."""
    gazetteer = load_gazetteer()
    filed = []
    for facets in result_facets(page):
        places = [p for p in facets.get("地区", "").split("、") if p]
        filed.append({**facets, "地区": "、".join(places + places_above(places, gazetteer))})
    return filed


def test_a_filter_narrows_the_results_to_its_count(browser, site_url, sharded_site_url):
    (one_base, _), (base, _) = site_url, sharded_site_url
    query = "老旧小区"
    page = browser.new_page(viewport={"width": 375, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    search_results(page, one_base, query)
    one_index = {facet: facet_counts(page, facet) for facet in ("地区", "话题", "来源", "年份")}
    everything = dict(search_results(page, base, query))
    total = len(everything)
    # Counts are summed over the bundles: the same as one index's.
    assert {facet: facet_counts(page, facet) for facet in one_index} == one_index
    assert all(one_index.values())
    # A place that some but not all results are about.
    place, count = next((v, n) for v, n in sorted(one_index["地区"].items(), key=lambda item: -item[1]) if 0 < n < total)

    # By keyboard: focus the group's summary, open it, tab to the box, tick it.
    page.focus('.search-facet[data-facet="地区"] summary')
    page.keyboard.press("Enter")
    box = page.locator(f'.search-facet[data-facet="地区"] input[value="{place}"]')
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"document.querySelector('.search-status').textContent === '找到 {count} 篇文章'")
    wait_for_search(page)
    show_all_results(page)
    narrowed = dict(listed_results(page, base))
    assert len(narrowed) == count == shown_count(page)
    assert narrowed.items() <= everything.items()
    assert all(place in facets["地区"].split("、") for facets in filed_facets(page))
    assert facet_counts(page, "地区")[place] == count
    assert page.evaluate("document.activeElement.value") == place  # focus stays on the box
    assert "已选 1" in page.inner_text('.search-facet[data-facet="地区"] summary')
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0

    # The address holds the search with its filter: opened again, it shows the same results.
    shared = page.url
    assert parse_qs(urlsplit(shared).query) == {"q": [query], "地区": [place]}
    again = browser.new_page()
    again.on("pageerror", lambda e: errors.append(str(e)))
    again.goto(shared)
    again.wait_for_function(f"document.querySelector('.search-status').textContent === '找到 {count} 篇文章'")
    ticked = again.locator(f'.search-facet[data-facet="地区"] input[value="{place}"]')
    assert ticked.is_checked() and ticked.is_visible()  # its group open, so the reader sees why
    assert "已选 1" in again.inner_text('.search-facet[data-facet="地区"] summary')
    # An emptied box leaves the filters out of the address: alone they would open an empty page.
    again.fill("#search-input", "")
    again.press("#search-input", "Enter")
    assert parse_qs(urlsplit(again.url).query) == {}
    again.close()

    # Clearing the filters brings every result back, and takes them out of the address.
    page.click(".search-filters__clear")
    page.wait_for_function(f"document.querySelector('.search-status').textContent === '找到 {total} 篇文章'")
    assert parse_qs(urlsplit(page.url).query) == {"q": [query]}
    # Filters without a query, or with an empty value, narrow nothing.
    for odd in (f"search.html?地区={quote(place)}", f"search.html?q={quote(query)}&地区="):
        page.goto(f"{base}/{odd}")
        if "q=" not in odd:
            page.fill("#search-input", query)
            page.press("#search-input", "Enter")
        page.wait_for_function(f"document.querySelector('.search-status').textContent === '找到 {total} 篇文章'")
        assert page.locator(".search-facet input:checked").count() == 0
    page.close()
    assert errors == []


def tick(page, facet: str, value: str, results: int) -> None:
    """Tick one filter value, its group opened as a reader would, until the search says `results`."""
    group = page.locator(f'.search-facet[data-facet="{facet}"]')
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    if not group.locator(f'input[value="{value}"]').is_visible():  # among the values folded away
        group.locator(".search-facet__more").click()
    group.locator(f'input[value="{value}"]').check()
    page.wait_for_function(f"document.querySelector('.search-status').textContent === '找到 {results} 篇文章'")
    wait_for_search(page)


@pytest.mark.parametrize("query", ["老旧小区", "年 月"])
def test_two_values_of_a_group_find_the_articles_of_either_and_another_group_narrows_them(browser, sharded_site_url, query):
    """An article has one year: ticking 2023 beside 2022 found nothing when a group's ticks all
    had to hold. A group's ticks are alternatives, groups hold together, and a ticked group's
    counts stay those of ticking one more of its values."""
    base, _ = sharded_site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    urls = [url for url, _ in search_results(page, base, query)]
    facets = {url: {facet: set(values.split("、")) for facet, values in shown.items()}
              for url, shown in zip(urls, filed_facets(page), strict=True)}
    years = facet_counts(page, "年份")
    (first, _), (second, _) = sorted(years.items(), key=lambda item: -item[1])[:2]

    def having(facet, values, among):
        return {url for url in among if facets[url].get(facet, set()) & values}

    tick(page, "年份", first, len(having("年份", {first}, urls)))
    assert facet_counts(page, "年份") == years
    either = having("年份", {first, second}, urls)
    tick(page, "年份", second, len(either))
    show_all_results(page)
    assert {url for url, _ in listed_results(page, base)} == either
    assert facet_counts(page, "年份") == years
    # A place of some of those articles narrows them; the years count under the place.
    places = Counter(place for url in either for place in facets[url].get("地区", ()))
    place = next(p for p, n in places.most_common() if n < len(either))
    assert facet_counts(page, "地区")[place] == places[place]
    both = having("地区", {place}, either)
    tick(page, "地区", place, len(both))
    show_all_results(page)
    assert {url for url, _ in listed_results(page, base)} == both
    in_place = having("地区", {place}, urls)
    assert facet_counts(page, "年份") == dict(Counter(year for url in in_place for year in facets[url].get("年份", ())))
    assert parse_qs(urlsplit(page.url).query) == {"q": [query], "年份": [first, second], "地区": [place]}
    page.close()


def test_a_filter_group_of_many_values_shows_the_most_frequent_and_a_button_for_the_rest(browser, site_url):
    """地区's 27 checkboxes put the first result two screens down on a phone."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    open_search(page, base, "的")
    group = page.locator('.search-facet[data-facet="地区"]')
    group.locator("summary").click()
    counts = facet_counts(page, "地区")  # every value, folded or not
    visible = [v for v in counts if group.locator(f'input[value="{v}"]').is_visible()]
    assert len(counts) > 9 and len(visible) == 8
    assert sorted(counts.values(), reverse=True)[:8] == sorted((counts[v] for v in visible), reverse=True)  # the most frequent
    more = group.locator(".search-facet__more")
    assert more.inner_text() == f"显示其余 {len(counts) - 8} 个地区"
    assert more.bounding_box()["y"] < 800 * 2  # the fold keeps the results near
    more.click()
    assert all(group.locator(f'input[value="{v}"]').is_visible() for v in counts) and more.count() == 0
    folded = next(v for v in counts if v not in visible)
    assert page.evaluate("document.activeElement.value") in set(counts) - set(visible)
    # a value ticked from beyond the fold stays in sight when the next search folds the group again
    group.locator(f'input[value="{folded}"]').check()
    wait_for_search(page)
    page.goto(f"{base}/search.html?q=的&地区={quote(folded)}")
    wait_for_search(page)
    box = page.locator(f'.search-facet[data-facet="地区"] input[value="{folded}"]')
    assert box.is_checked() and box.is_visible()
    assert not page.locator('.search-facet[data-facet="地区"] .search-facet__value[hidden] input:checked').count()
    # unticked from the keyboard, it keeps the focus, in sight, though the group folds again
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_function("!new URL(location.href).searchParams.has('地区')")
    wait_for_search(page)
    assert page.evaluate("document.activeElement.value") == folded and box.is_visible() and not box.is_checked()
    assert page.locator('.search-facet[data-facet="地区"] .search-facet__more').bounding_box()["height"] >= 44
    # a short group has no fold
    assert page.locator('.search-facet[data-facet="年份"] .search-facet__more').count() == 0
    page.close()


def test_a_place_filter_finds_the_articles_its_place_page_lists_and_a_result_names_its_own_places(browser, site_url):
    """沙坪坝区's page lists an article about 团结坝社区 in it, which search could not find under
    沙坪坝区; 渝北区 counted 1 where its page lists 2. A result still names the places its page
    names, not every place above them."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    found = {url for url, _ in search_results(page, base, "的")}
    counts = facet_counts(page, "地区")
    checked = 0
    for place_page in sorted((out / "places").glob("*.html")):
        text = place_page.read_text(encoding="utf-8")
        place = re.search(r"<h1[^>]*>([^<]+)</h1>", text).group(1).strip()
        listed = text.split("<h2>文章", 1)[1].split("<h2", 1)[0]
        assert "更多文章" not in listed and "下一页" not in listed  # the whole list is on the page
        articles = {"articles/" + href for href in re.findall(r'href="\.\./articles/([^"]+)"', listed)}
        assert counts.get(place, 0) == len(articles & found), place
        checked += bool(articles & found)
    assert checked >= 20 and counts["沙坪坝区"] >= 1
    records = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    shown = dict(zip([url for url, _ in listed_results(page, base)], result_facets(page)))
    for record in records:
        if record["url"] in shown:
            assert shown[record["url"]].get("地区", "") == "、".join(record["places"]), record["url"]
    page.close()


def test_a_query_naming_a_place_or_topic_points_to_its_page_which_lists_what_search_cannot_find(browser, site_url):
    """巫山县 finds the articles printing it, not those saying 我县; its place page lists them all.
    A place's other name in the gazetteer points to its page too: no article prints 南通."""
    base, out = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    unprinted = []
    for query, folder, name in (("巫山县", "places", "巫山县"), ("加装电梯", "topics", "加装电梯"), ("南通", "places", "南通市")):
        found = {url for url, _ in search_results(page, base, query)}
        link = page.locator(".search-also a")
        assert page.locator(".search-also").is_visible() and link.inner_text() == name, query
        href = link.get_attribute("href")
        target = out / href.split(base.rstrip("/") + "/", 1)[1]
        text = target.read_text(encoding="utf-8")
        listed = {"articles/" + a for a in re.findall(r'href="\.\./articles/([^"#]+)"', text.split("<main", 1)[1])}
        assert target.parent.name == folder and f"<h1>{name}" in text
        assert found <= listed and listed - found, (name, found, listed)  # the page lists what search cannot find
        if not found:  # no article prints it (南通): not "nothing found, try another word"
            assert page.inner_text(".search-status") == f"没有文章写出“{query}”；归入{name}的文章见下面的链接。"
            unprinted.append(query)
        link.click()
        page.wait_for_load_state()
        assert page.url == href
    assert unprinted == ["南通"]
    search_results(page, base, "电梯")
    assert not page.locator(".search-also").is_visible()  # not a name of a page
    page.close()


def test_a_result_found_under_a_ticked_place_it_does_not_name_says_it_is_within_it(browser, site_url):
    """Under 渝中区, an article naming only 中山二路社区 listed 地区 中山二路社区 and nothing
    that said why it was found; it now adds ；文中有渝中区内的地方. A place it names is not repeated."""
    base, out = site_url
    gazetteer = load_gazetteer()
    records = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    above = Counter(place for record in records for place in places_above(record["places"], gazetteer))
    place = max(above, key=lambda p: (above[p], p))  # the place most articles are filed under unnamed
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/search.html?q={quote('的')}&{quote('地区')}={quote(place)}")
    wait_for_search(page)
    show_all_results(page)
    lines = [facets["地区"] for facets in result_facets(page)]
    assert len(lines) >= above[place]
    named = [line for line in lines if place in line.split("；")[0].split("、")]
    within = [line for line in lines if line.endswith(f"；文中有{place}内的地方")]
    assert len(within) >= above[place] and len(named) + len(within) == len(lines), lines
    assert not any("；" in line for line in named)
    page.close()


YEAR_SPANS_SPLIT = """() => [...document.querySelectorAll("td")].filter(td => td.querySelector(":scope > .amount + .amount"))
    .map(td => { const [first, last] = [td.firstElementChild, td.lastElementChild];
                 return first.getBoundingClientRect().top !== last.getBoundingClientRect().top; })"""


def test_a_span_of_years_in_a_table_stays_on_one_line_on_a_desktop(browser, site_url):
    """On a desktop 2021—|2025年 broke in the report's table though the page had room for it."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/report.html")
    split = page.evaluate(YEAR_SPANS_SPLIT)
    assert split and not any(split)
    page.add_style_tag(content="td { white-space: normal !important; }")  # the control: without the rule
    assert any(page.evaluate(YEAR_SPANS_SPLIT))
    page.close()


def test_the_search_hint_is_true_a_number_is_found_from_its_start(browser, site_url):
    """The hint says "542" finds 542件 and "42" does not: a run of digits is one word of the index,
    found from its start, where each Chinese character is a word of its own."""
    base, out = site_url
    records = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    holding = {a["url"] for a in records if any("542件" in p for s in a["sections"] for p in s["paragraphs"])}
    page = browser.new_page()
    hint = page.goto(f"{base}/search.html") and page.inner_text("#search-hint")
    assert "数字和字母须从头输入（“542”能找到“542件”，“42”不能）" in hint
    assert holding and {url for url, _ in search_results(page, base, "542")} >= holding
    assert not {url for url, _ in search_results(page, base, "42")} & holding
    # Chinese text is found anywhere in a word: 旧小区 inside 老旧小区.
    renovation = {a["url"] for a in records if any("老旧小区" in p for s in a["sections"] for p in s["paragraphs"])}
    assert renovation and {url for url, _ in search_results(page, base, "旧小区")} >= renovation
    page.close()


def test_the_search_status_is_a_live_region_from_the_start_and_repeats_news_of_the_same_count(browser, site_url):
    """Shown only once filled, the status's first news was not read out; set to the same words
    (a filter leaving the count as it was), it changed nothing a screen reader would read."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/search.html")
    page.wait_for_selector(".search-form:not([hidden])")
    assert page.eval_on_selector(".search-status", "s => getComputedStyle(s).display") != "none"
    assert page.get_attribute(".search-filters", "aria-label") == "筛选条件"  # what it holds, not "filtered results"
    assert page.eval_on_selector(".search-status", "s => s.getAttribute('role') + ' ' + s.getAttribute('aria-live')") == "status polite"
    page.fill("input[type=search]", "老旧小区")
    wait_for_search(page)
    said = page.inner_text(".search-status")
    page.evaluate("""() => { window.statusSaid = [];
        new MutationObserver(() => window.statusSaid.push(document.querySelector('.search-status').textContent))
          .observe(document.querySelector('.search-status'), { childList: true, characterData: true, subtree: true }); }""")
    page.fill("input[type=search]", "老旧小区 ")  # the same articles again
    page.wait_for_function(f"window.statusSaid.length >= 2 && window.statusSaid.at(-1) === {json.dumps(said)}")
    assert page.evaluate("window.statusSaid") [-2:] == ["", said]
    # a filter value's count says what it counts, a year reads as a year
    assert page.eval_on_selector('.search-facet .count', "c => c.textContent").endswith(" 篇")
    years = page.eval_on_selector_all('.search-facet[data-facet="年份"] label', "ls => ls.map(l => [l.querySelector('input').value, l.textContent])")
    assert years and all(text.startswith(f"{value}年") for value, text in years), years
    page.close()


def test_back_from_a_result_shows_as_many_results_with_the_focus_on_the_one_opened(browser, site_url):
    """Back showed the first ten results again, the focus at the page's top."""
    base, _ = site_url
    page = browser.new_page(viewport={"width": 375, "height": 800})
    open_search(page, base, "的")
    page.click(".search-more")
    page.wait_for_function("document.querySelectorAll('.search-result').length > 10")
    shown = page.locator(".search-result").count()
    opened = page.locator(".search-result__link").nth(shown - 2)
    href = opened.evaluate("a => a.href")
    opened.click()
    page.wait_for_load_state()
    assert page.url == href
    page.go_back()
    page.wait_for_function(f"document.activeElement && document.activeElement.href === {json.dumps(href)}")
    assert page.locator(".search-result").count() == shown
    assert 0 <= page.evaluate("document.activeElement.getBoundingClientRect().top") <= 800
    page.close()


def test_a_query_nothing_matches_says_so(browser, sharded_site_url):
    base, _ = sharded_site_url
    page = browser.new_page()
    open_search(page, base, "qzxjv")
    assert page.locator(".search-result").count() == 0
    assert "没有找到" in page.inner_text(".search-status")
    assert page.locator(".search-more").is_hidden()
    page.close()


def test_without_a_bundles_list_of_page_filters_two_terms_are_counted_from_the_pages(browser, sharded_site_url, tmp_path):
    """A site deployed in part, or a list older than its bundle: the search still answers, and
    counts each filter value over its results from the pages the list lacks."""
    _, out = sharded_site_url
    site = tmp_path / "site"
    shutil.copytree(out, site)
    bundles = site_bundles(site)
    (site / bundles[0] / "page-filters.json").unlink()
    stale = json.loads((site / bundles[1] / "page-filters.json").read_text(encoding="utf-8"))
    stale["pages"] = dict(list(stale["pages"].items())[1:])  # a page the list does not know
    (site / bundles[1] / "page-filters.json").write_text(json.dumps(stale), encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        results = search_results(page, f"http://127.0.0.1:{server.server_port}", "年 月")
        assert len(results) > 10 and "出错" not in page.inner_text(".search-status")
        for facet in ("地区", "话题", "来源", "年份"):
            listed = Counter(value for facets in filed_facets(page) for value in facets.get(facet, "").split("、") if value)
            assert facet_counts(page, facet) == dict(listed), facet
    finally:
        page.close()
        server.shutdown()


def test_without_an_index_the_page_says_so(browser, site_url, tmp_path):
    _, out = site_url
    site = tmp_path / "site"
    shutil.copytree(out, site, ignore=shutil.ignore_patterns("pagefind"))
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/search.html?q=电梯")
        page.wait_for_selector("#search .note")
        assert "搜索索引未能载入" in page.inner_text("#search")
        assert page.locator("#search form").count() == 0
    finally:
        page.close()
        server.shutdown()


def test_the_search_page_opened_from_disk_says_how_to_serve_the_site(browser, site_url):
    _, out = site_url
    page = browser.new_page()
    page.goto((out / "search.html").resolve().as_uri())
    page.wait_for_selector("#search .note")
    assert "make serve" in page.inner_text("#search")
    assert page.locator("#search form").count() == 0
    page.close()


class NotFoundPageHandler(QuietHandler):
    """Serves the site's 404.html, with status 404, for any missing address, as hosts do."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / SUB_PATH / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def test_the_not_found_page_works_for_a_missing_address_deep_in_a_site_under_a_sub_path(browser, site_url, tmp_path):
    _, out = site_url
    shutil.copytree(out, tmp_path / SUB_PATH)
    handler = functools.partial(NotFoundPageHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/{SUB_PATH}"
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        response = page.goto(f"{base}/articles/2020/no-such-article.html")
        assert response is not None and response.status == 404
        assert page.inner_text("h1") == "找不到这一页"
        # Its styles load from the site's root, not from the missing page's folder...
        page.wait_for_function("getComputedStyle(document.querySelector('.site-header')).backgroundColor !== 'rgba(0, 0, 0, 0)'")
        # ...its skip link stays on the page, not on the site's root...
        assert page.eval_on_selector(".skip-link", "a => a.href") == f"{base}/articles/2020/no-such-article.html#main"
        # ...and its links lead into the site.
        page.click("main >> text=全部文章")
        page.wait_for_load_state()
        assert page.url == f"{base}/archives.html" and page.inner_text("h1") != "找不到这一页"
    finally:
        page.close()
        server.shutdown()


@pytest.mark.parametrize("parted", ["电梯、停车", "电梯，停车", "电梯；停车", "电梯\u3000停车", "电梯,停车", "电梯;停车"])
def test_terms_parted_as_a_chinese_list_parts_them_are_looked_up_each(browser, site_url, parted):
    """电梯、停车 found only the pages holding that very phrase; it finds what 电梯 停车 finds."""
    base, _ = site_url
    page = browser.new_page()
    apart = search_results(page, base, "电梯 停车")
    assert len(apart) >= 2  # one page holds 电梯、停车 itself
    assert search_results(page, base, parted) == apart
    page.close()


@pytest.mark.parametrize(("query", "more_than_a_page"), [("老旧小区 电梯", False), ("年 月", True)])
def test_a_query_of_two_terms_counts_each_filter_value_over_its_own_results(browser, sharded_site_url, query, more_than_a_page):
    """Counted from each bundle's list of page filters: the pages fetched are only those shown
    (年 月 finds more than a page of results)."""
    base, _ = sharded_site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    fragments: list[str] = []
    page.on("request", lambda request: fragments.append(request.url) if request.url.endswith(".pf_fragment") else None)
    open_search(page, base, query)
    assert len(fragments) == page.locator(".search-result").count()
    assert (shown_count(page) > len(fragments)) == more_than_a_page
    show_all_results(page)
    assert page.locator(".search-result").count() == shown_count(page) >= 2
    for facet in ("地区", "话题", "来源", "年份"):
        listed = Counter(value for facets in filed_facets(page) for value in facets.get(facet, "").split("、") if value)
        assert facet_counts(page, facet) == dict(listed), facet
    page.close()


def test_a_linked_sentence_lands_with_the_lines_before_it_in_sight(browser, site_url):
    """A figure's link opened its sentence flush with the window's top, the heading and the
    sentence saying what the figure counts out of sight above it."""
    base, out = site_url
    with (out / "data" / "facts.csv").open(encoding="utf-8-sig") as fh:
        facts = list(csv.DictReader(fh))
    page = browser.new_page(viewport={"width": 375, "height": 800})
    checked = 0
    for fact in facts[::4]:
        page.goto(f"{base}/{fact['article_url']}#{fact['anchor']}")
        top, height, scrolled, most = page.evaluate("""() => [document.querySelector(':target').getBoundingClientRect().top,
            innerHeight, scrollY, document.documentElement.scrollHeight - innerHeight]""")
        assert top < height / 2, fact["sentence"]  # in sight, in the window's upper half
        if 0 < scrolled < most - 1:  # the page could be scrolled to put it anywhere
            assert top >= height / 5, (fact["sentence"], top)
            checked += 1
    assert checked >= 3
    page.close()
